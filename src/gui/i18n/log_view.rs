//! The log view: its columns, find, copy and save, the rows a received
//! message or a checksum adds, hidden rows and the encoding hint.

texts! {
    CHECKSUM_BAD: "does not match", "校验错误";
    PEER_FINISHED: crate::net::PEER_FINISHED, "对方已结束发送";
    CLEAR: "Clear", "清除接收";
    COPY_ALL: "Copy all", "复制全部";
    SAVE_LOG: "Save log…", "保存数据…";
    DATA_LOG: "Data log", "数据日志";
    DROPPED: "dropped (cap)", "已丢弃 (上限)";
    ENTRIES: "entries", "条";
    COL_TIME: "Time", "时间";
    COL_DIR: "Dir", "方向";
    COL_PEER: "Peer", "对方地址";
    COL_LEN: "Len", "长度";
    COL_DATA: "Data", "数据";
    COPY_LINE: "Copy line", "复制该行";
    FIND: "Find", "查找";
    FIND_PEER: "Peer", "对方";
    FIND_ALL: "All", "全部";
    FIND_RX: "RX only", "仅接收";
    FIND_TX: "TX only", "仅发送";
    MATCHES: "matches", "条匹配";
    COPY_HEX: "Copy as HEX", "复制为十六进制";
    HEX_OF_ENTRY: "HEX", "十六进制";
    LOG_SAVED: "Log saved to", "日志已保存到";

    // Hover hints (issue 10: every string through here).
    FIND_HINT: "Text, or HEX when HEX display is on", "文本，或十六进制显示时的 HEX";

    // The log view's 自动换行 and 接收数据不显示 (issue 12, "what NetAssist has").
    HIDDEN_NOTICE: "Received data is not shown", "接收数据不显示";
    HIDDEN_NOTICE_KEPT: "still received, counted and saved to file (when ticked); untick “Don't show received data” to see them", "仍在接收、计数并保存到文件（如已勾选）；取消勾选“接收数据不显示”即可查看";

    // One 字符集 for both directions, and the encoding hint next to the log
    // (issue 12, defect 5).
    ENC_HINT_BEFORE: "This looks like", "看起来是";
    ENC_HINT_AFTER: "", "编码";
    ENC_HINT_SWITCH: "Switch", "切换";
    ENC_HINT_SWITCH_HINT: "Show received data in this encoding (and send in it too, unless the encodings are set separately)", "按此编码显示接收数据（未分开设置收发编码时，发送也使用此编码）";
    ENC_HINT_DISMISS: "Dismiss", "忽略";
}
