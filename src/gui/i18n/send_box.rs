//! The send box and where it sends: send, history, loop and file send,
//! and a server's clients table.

texts! {
    SEND_FILE: "Send file…", "打开文件数据源…";
    CANCEL_FILE: "Stop file", "停止文件发送";
    FILE_SOURCE: "File to send:", "文件数据源：";
    FILE_SOURCE_SENT_ON_SEND: "sent on Send", "点击发送时发送";
    FILE_SOURCE_PUT_AWAY: "Send the box instead", "改为发送文本框";
    FILE_SOURCE_UNREADABLE: "Cannot send", "无法发送";
    FILE_SOURCE_FOLDER: "it is a folder: choose a file", "这是文件夹：请选择文件";
    FILE_SOURCE_NOT_A_FILE: "it is not a regular file (a pipe or a device)", "这不是普通文件（管道或设备）";
    HISTORY: "History", "历史发送";
    HISTORY_EMPTY: "Nothing sent yet", "尚无发送记录";
    LOOP_PERIOD: "every", "周期";
    STOP_LOOP: "Stop loop", "停止循环";
    DATA_SEND: "Data send", "数据发送";
    SEND: "Send", "发送";
    SEND_HINT: "Ctrl+Enter sends", "Ctrl+Enter 发送";
    SEND_TO: "Send to", "发送对象";
    ALL_CONNECTIONS: "All connections", "全部连接";
    CLIENTS: "Clients", "客户端";
    CLIENT_ADDR: "Address", "地址";
    CLIENT_SINCE: "Connected since", "连接时间";
    BYTES_IN: "Bytes in", "接收字节";
    BYTES_OUT: "Bytes out", "发送字节";
    DROP_CLIENT: "Drop", "断开";
    DROP_CLIENT_HINT: "Disconnect the client chosen in Send to", "断开发送对象中选中的客户端";
    LOOP_RUNNING: "Looping, sent", "循环发送中，已发送";
    CHECKSUM_APPENDED_HINT: "Every send gets this checksum appended (Tools → Checksum)", "每次发送都附加此校验 (工具 → 校验)";

    // Sentences next to the fields (issue 10: every string through here).
    NOTHING_TO_SEND: "nothing to send", "没有要发送的内容";
    NOT_CONNECTED: "not connected: press Connect first", "未连接：请先点击连接";
    NOT_OPEN: "the session is not open: press Open first", "会话未打开：请先点击打开";

    // Hover hints (issue 10: every string through here).
    SEND_TO_HINT: "Tick clients to send to them only", "勾选客户端只发送给它们";
    HISTORY_HINT: "Up / Down in the send box", "发送框中按上下键";
    SEND_FILE_HINT: "Or drop a file on the window", "或把文件拖到窗口";

    // The layout (issue 12 defects 6, 11 and 13): the TCP server's compact
    // send target.
    LAYOUT_COMPACT_TARGETS: "Compact", "紧凑显示";
    LAYOUT_COMPACT_TARGETS_HINT: "Pick the send target in one line above the send box instead of the client table (always so in a narrow window)", "在发送框上方用一行选择发送对象，代替客户端列表（窗口较窄时总是如此）";
}
