//! The settings panel beside the log: the session's address fields and its
//! open button, a server's limits, the receive and send options, the
//! receive file and the quick commands.

texts! {
    NET_SETTINGS: "Settings", "网络设置";
    PROTOCOL: "Protocol", "协议类型";
    LOCAL_HOST: "Local host addr", "本地主机地址";
    LOCAL_PORT: "Local host port", "本地主机端口";
    REMOTE_HOST: "Remote host addr", "远程主机地址";
    REMOTE_PORT: "Remote host port", "远程主机端口";
    OPEN: "Open", "打开";
    CLOSE: "Close", "关闭";
    CONNECT: "Connect", "连接";
    DISCONNECT: "Disconnect", "断开";
    LISTEN: "Listen", "监听";
    STOP: "Stop", "停止";
    START_SERVER: "Start server", "启动服务";
    CONNECT_TIMEOUT: "Connect timeout (s)", "连接超时 (秒)";
    MAX_CLIENTS: "Max clients", "最大客户端数";
    IDLE_TIMEOUT: "Idle timeout (s, 0: off)", "空闲超时 (秒，0：不限)";
    IDLE_TIMEOUT_HINT: "Drop a client that sends nothing, and takes nothing queued for it, for this long", "客户端在此时间内既不发送也不接收排队数据时断开";
    MAX_CLIENTS_PER_IP: "Clients per IP (0: any)", "每个 IP 客户端数 (0：不限)";
    MAX_CLIENTS_PER_IP_HINT: "Further clients from the same address are turned away", "同一地址超出的客户端将被拒绝";
    REPLY_TO_LAST: "Reply to last sender", "回复最后发送方";
    ALLOW_BROADCAST: "Allow broadcast", "允许广播";
    RECV_SETTINGS: "Recv options", "接收设置";
    SEND_SETTINGS: "Send options", "发送设置";
    RX_ENCODING: "Receive encoding", "接收编码";
    TX_ENCODING: "Send encoding", "发送编码";
    RX_HEX: "HEX display", "十六进制显示";
    TX_HEX: "HEX send", "按十六进制发送";
    SHOW_TIME: "Show time", "显示接收时间";
    SHOW_DATE: "Show date", "显示日期";
    SHOW_DATE_HINT: "The date before the time, in the log, copies and saved files", "在日志、复制和保存中时间前显示日期";
    AUTO_SCROLL: "Auto-scroll", "自动滚屏";
    PAUSE: "Pause display", "暂停接收显示";
    ESCAPES: "Parse escapes (\\r \\n \\t \\xHH)", "转义符指令解析 (\\r \\n \\t \\xHH)";
    LINE_ENDING: "Append", "附加换行";
    CLEAR_AFTER_SEND: "Clear after send", "发送完自动清空";
    LOOP_SEND: "Loop send", "循环发送";
    QUICK_COMMANDS: "Quick commands", "快捷指令";
    QUICK_NAME: "Name", "名称";
    QUICK_SAVE: "Save send box", "保存发送框内容";
    QUICK_LOAD: "Put in the send box", "放入发送框";
    QUICK_DELETE: "Delete", "删除";
    QUICK_DELAY: "then wait", "之后等待";
    RUN_SEQUENCE: "Run all in order", "按顺序全部发送";
    STOP_SEQUENCE: "Stop sequence", "停止序列";
    LOOP_COUNT: "Times (0 = forever)", "次数 (0 = 无限)";
    LOG_CAP: "Keep entries", "保留条数";
    RX_TO_FILE: "Save received to file", "接收保存到文件";
    RX_FILE_WRITE_FAILED: "Saving to file stopped; what arrived since is only in the log. Cannot write", "接收保存到文件已停止，此后收到的数据只在日志中。无法写入";
    RX_FILE: "File", "文件";
    RX_FILE_RAW: "Raw bytes", "原始字节";
    RX_FILE_LINES: "Log lines", "日志行";
    BROWSE: "Browse…", "浏览…";
    LOOP_PERIOD_MS: "Loop period", "循环周期";

    // Sentences next to the fields (issue 10: every string through here).
    CHOOSE_RX_FILE: "choose a file to save into", "请选择保存到的文件";

    // Hover hints (issue 10: every string through here).
    REPLY_TO_LAST_HINT: "Send to whoever sent last, not the remote address", "发送给最后一个发送方";
    BROADCAST_HINT: "Needed to send to x.x.x.255 or 255.255.255.255", "发送到广播地址时需要";
    CONNECT_TIMEOUT_HINT: "Give up connecting after this long", "超过此时间放弃连接";
    MAX_CLIENTS_HINT: "Further clients are turned away", "超出的客户端将被拒绝";
    LOCAL_PORT_HINT: "0 = any free port", "0 = 任意空闲端口";
    RX_TO_FILE_HINT: "Everything received, also while the display is paused", "暂停显示时也保存";
    RX_ENCODING_HINT: "Switching re-renders the whole log", "切换后整个日志重新显示";
    SHOW_TIME_HINT: "Time stamps in the log, copies and saved files", "日志、复制和保存中显示时间";
    AUTO_SCROLL_HINT: "Keep the newest entry in view", "始终显示最新数据";
    PAUSE_HINT: "Entries are still received and counted", "仍然接收并计数";
    TX_HEX_HINT: "Spaces, newlines and 0x prefixes are fine", "可含空格、换行和 0x 前缀";
    ESCAPES_HINT: "\\r \\n \\t \\\\ \\xHH become their bytes", "转义为对应字节";
    CLEAR_AFTER_SEND_HINT: "Empty the send box after each send", "发送后清空发送框";
    LOCAL_HOST_HINT: "0.0.0.0: all IPv4 · :: all IPv6 and IPv4 · 127.0.0.1 / ::1: this machine only", "0.0.0.0：所有 IPv4 · ::：所有 IPv6 和 IPv4 · 127.0.0.1 / ::1：仅本机";

    // The log view's 自动换行 and 接收数据不显示 (issue 12, "what NetAssist has").
    WRAP_ROWS: "Wrap lines", "自动换行";
    WRAP_ROWS_HINT: "Long rows wrap instead of being cut at the edge", "长行换行显示，而不是在边缘截断";
    HIDE_RECEIVED: "Don't show received data", "接收数据不显示";
    HIDE_RECEIVED_HINT: "For floods: nothing is drawn, but everything is still received, counted and saved to the receive file; untick to see it", "用于大流量：不绘制数据，但仍接收、计数并保存到文件；取消勾选即可查看";

    // One 字符集 for both directions, and the encoding hint next to the log
    // (issue 12, defect 5).
    ENC_CHARSET: "Encoding", "字符集";
    ENC_SEPARATE: "Separate send and receive encodings", "分开设置收发编码";
    ENC_SEPARATE_HINT: "Send in another encoding than the one received data is shown in", "发送使用与接收不同的编码";
}
