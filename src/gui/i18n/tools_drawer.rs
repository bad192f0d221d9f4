//! The tools drawer: auto-reply, checksum, framing, multicast, the
//! calculators, Modbus and the waveform, and a log row sent to a tool.

texts! {
    TOOLS: "Tools", "工具";
    AUTO_REPLY: "Auto reply", "自动应答";
    AUTO_REPLY_HINT: "When a message matches, reply to its sender at once.", "收到匹配的消息时立即回复发送方。";
    AUTO_REPLY_WHEN: "When", "当";
    AUTO_REPLY_MATCH: "Match", "匹配方式";
    AUTO_REPLY_SEND: "Reply", "回复";
    AUTO_REPLY_ADD: "Add rule", "添加规则";
    CHECKSUM: "Checksum", "校验";
    CHECKSUM_APPEND: "Append to sends", "发送附加校验";
    CHECKSUM_VERIFY: "Check received", "校验接收";
    FRAMING: "Framing", "分包设置";
    FRAMING_MODE: "Cut TCP stream", "TCP 分包";
    FRAMING_NONE: "as it arrives", "按到达分包";
    FRAMING_DELIMITER: "Delimiter", "分隔符";
    FRAMING_LENGTH: "Fixed length", "固定长度";
    FRAMING_GAP: "Idle gap", "空闲间隔";
    APPLIES_AT_OPEN: "Changes apply at the next open.", "更改在下次打开时生效。";
    MULTICAST: "Multicast", "组播";
    MULTICAST_GROUPS: "Groups", "组播地址";
    MULTICAST_INTERFACE: "Interface", "网卡地址";
    MULTICAST_JOIN: "Join", "加入";
    MULTICAST_LEAVE: "Leave", "退出";

    // Hover hints (issue 10: every string through here).
    TOOLS_HINT: "Auto reply, checksum, framing, multicast", "自动应答、校验、分包、组播";
    AUTO_REPLY_ESCAPES_HINT: "Escapes \\r \\n \\xHH; after a regex $1…$9", "转义符；正则后可用 $1…$9";
    MULTICAST_GROUPS_HINT: "Joined at open; Join/Leave while open", "打开时加入；打开后可加入/退出";
    AUTO_REPLY_LIVE: "Ticked rules apply at once, also while the session is open.", "勾选的规则立即生效（会话打开时也是）。";

    // Why a tool does not apply to the tab's protocol.
    TOOL_NOT_FOR_TFTP: "Does not apply to TFTP: it moves whole files, not messages.", "不适用于 TFTP：TFTP 传输整个文件，而不是消息。";
    FRAMING_TCP_ONLY: "Only for TCP: a UDP datagram is a whole message already.", "仅用于 TCP：一个 UDP 数据报本身就是一条完整消息。";
    FRAMING_NOT_FOR_WEBSOCKET: "Not for WebSocket: each message arrives whole already.", "不适用于 WebSocket：每条消息到达时已是完整的一条。";
    MULTICAST_UDP_ONLY: "Only for UDP: multicast groups are joined by a UDP socket.", "仅用于 UDP：组播组只能由 UDP 套接字加入。";

    // The tools drawer, the status bar and the window's flags in 简体中文
    // (issue 12, defect 4).
    PATTERN_CONTAINS: "contains", "包含";
    PATTERN_EQUALS: "equals", "等于";
    PATTERN_STARTS_WITH: "starts with", "开头是";
    PATTERN_REGEX: "regex", "正则表达式";
    PATTERN_HEX: "HEX (?? = any)", "HEX (?? = 任意字节)";

    // The tools drawer's calculators, ASCII table, Modbus and waveform
    // (issue 15).
    TOOL_CHECKSUM_CALC: "Checksum calculator", "校验计算";
    TOOL_CHECKSUM_INPUT: "Data", "数据";
    TOOL_CHECKSUM_INPUT_HINT: "Text in the send encoding (escapes as in the send box), or HEX with HEX ticked", "按发送编码的文本（转义同发送框），勾选 HEX 时为十六进制";
    TOOL_CHECKSUM_ALGORITHM: "Algorithm", "算法";
    TOOL_CHECKSUM_VALUE: "Value", "校验值";
    TOOL_HIGH_FIRST: "High byte first", "高字节在前";
    TOOL_LOW_FIRST: "Low byte first", "低字节在前";
    TOOL_COPY: "Copy", "复制";
    TOOL_APPEND: "Append to send box", "追加到发送框";
    TOOL_NEEDS_HEX_OR_ESCAPES: "The send box takes plain text: tick HEX or escapes to append bytes.", "发送框当前为纯文本：请勾选 HEX 或转义字符后再追加字节。";
    TOOL_CATALOGUE_NAME: "Catalogue name:", "目录名称：";
    TOOL_FLOAT_CALC: "Float conversion", "浮点转换";
    TOOL_NUMBER_TYPE: "Type", "类型";
    TOOL_BYTE_ORDER: "Byte order", "字节序";
    TOOL_NUMBER: "Number", "数值";
    TOOL_NUMBER_BYTES: "Bytes (HEX)", "字节 (HEX)";
    TOOL_EVERY_ORDER: "In every byte order:", "各种字节序：";
    TOOL_ASCII_TABLE: "ASCII table", "ASCII码表";
    TOOL_ASCII_HINT: "Click a character to insert it into the send box", "点击字符即插入到发送框";
    TOOL_ASCII_DEC: "Dec", "十进制";
    TOOL_ASCII_HEX: "Hex", "十六进制";
    TOOL_ASCII_CHAR: "Char", "字符";
    TOOL_MODBUS: "Modbus commands", "Modbus指令";
    TOOL_MODBUS_FRAMING: "Framing", "帧格式";
    TOOL_MODBUS_TCP: "Modbus TCP (MBAP header)", "Modbus TCP（MBAP 报文头）";
    TOOL_MODBUS_RTU: "RTU over TCP/UDP (CRC)", "RTU 帧经 TCP/UDP 传输（带 CRC）";
    TOOL_MODBUS_FUNCTION: "Function", "功能码";
    TOOL_MODBUS_UNIT: "Unit id", "单元标识";
    TOOL_MODBUS_ADDRESS: "Start address", "起始地址";
    TOOL_MODBUS_COUNT: "Quantity", "数量";
    TOOL_MODBUS_VALUES: "Values", "写入值";
    TOOL_MODBUS_VALUES_HINT: "Registers: numbers (0x1234 or -1 too); coils: 1/0 or on/off; separated by spaces or commas", "寄存器：数字（也可写 0x1234 或 -1）；线圈：1/0 或 on/off；用空格或逗号分隔";
    TOOL_MODBUS_FRAME: "Frame", "报文";
    TOOL_MODBUS_NEXT_TRANSACTION: "Next transaction id:", "下一个事务标识：";
    TOOL_MODBUS_SEND: "Send request", "发送请求";
    TOOL_MODBUS_REPLY: "Reply", "应答";
    TOOL_MODBUS_REPLY_VALUES: "Values", "数值";
    TOOL_MODBUS_AS_FLOAT: "As float32", "按 float32";
    TOOL_MODBUS_EXCEPTION: "Exception", "异常";
    TOOL_MODBUS_NO_REPLY: "Replies to the requests sent from here are decoded here.", "从此处发送的请求，其应答在此解码。";
    TOOL_MODBUS_UNIT_WORD: "unit", "单元";
    TOOL_MODBUS_ON: "on", "闭合";
    TOOL_MODBUS_OFF: "off", "断开";
    TOOL_MODBUS_WROTE: "wrote", "已写入";
    TOOL_MODBUS_FROM: "from address", "起始地址";
    TOOL_MODBUS_AT: "address", "地址";
    TOOL_WAVEFORM: "Waveform", "数据波形";
    TOOL_WAVE_PLOT: "Plot received data", "绘制接收数据";
    TOOL_WAVE_PLOT_HINT: "Numbers in received data are plotted while ticked; the log keeps everything either way", "勾选时绘制接收数据中的数值；无论是否勾选，日志都保留全部数据";
    TOOL_WAVE_FORMAT: "Data format", "数据格式";
    TOOL_WAVE_TEXT: "Text lines", "文本行";
    TOOL_WAVE_JUSTFLOAT: "JustFloat", "JustFloat";
    TOOL_WAVE_FORMAT_HINT: "Text lines: numbers separated by commas or spaces (1.5, 2), or name=value pairs (a=1 b=2). JustFloat: little-endian float32 values, then 00 00 80 7F.", "文本行：用逗号或空格分隔的数字（1.5, 2），或 名称=数值（a=1 b=2）。JustFloat：小端 float32 数值，以 00 00 80 7F 结尾。";
    TOOL_WAVE_PAUSE: "Pause", "暂停";
    TOOL_WAVE_CLEAR: "Clear", "清除";
    TOOL_WAVE_EXPORT: "Export CSV…", "导出 CSV…";
    TOOL_WAVE_SAMPLES: "samples", "个采样点";
    TOOL_WAVE_CHANNELS: "channels", "个通道";
    TOOL_WAVE_SKIPPED: "skipped (too long or out of step):", "已跳过（过长或失步）：";
    TOOL_WAVE_NO_ROOM: "values beyond the channel limit:", "超出通道上限的数值：";
    TOOL_WAVE_SAMPLE_AXIS: "sample", "采样序号";
    TOOL_WAVE_EXPORTED: "Waveform saved to", "波形已保存到";
    TOOL_WAVE_OPEN_WINDOW: "Open in a window", "在窗口中打开";
    TOOL_WAVE_OPEN_WINDOW_HINT: "The plot, large, in a window of its own that can be moved and resized; its × puts it back here", "在可移动、可调整大小的单独窗口中显示大的波形图；点窗口的 × 放回此处";
    TOOL_WAVE_IN_WINDOW: "Shown in its own window.", "已在单独的窗口中显示。";
    TOOL_WAVE_PLOT_AREA: "Waveform plot", "波形图";
    TOOL_ORDER_HINT: "ABCD: high byte first · DCBA: low byte first · BADC: bytes swapped in each register · CDAB: registers swapped", "ABCD：高字节在前 · DCBA：低字节在前 · BADC：寄存器内字节交换 · CDAB：寄存器交换";

    // A log row's bytes sent to the float conversion or the checksum
    // calculator (issue 15), from the row's context menu.
    ROWTOOL_TO_FLOAT: "Convert in float tool", "浮点转换";
    ROWTOOL_TO_CHECKSUM: "Checksum of these bytes", "校验计算";
    ROWTOOL_FIRST_BYTES_USED: "First bytes of the log row used:", "所用日志行开头字节：";
}
