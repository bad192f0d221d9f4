//! The status bar under the log: the session's state, its counters and
//! queue, and the rate plot.

texts! {
    READY: "Ready!", "就绪!";
    STATE_OPENING: "Opening…", "正在打开…";
    STATE_CONNECTING: "Connecting to", "正在连接";
    STATE_CONNECTED: "Connected to", "已连接";
    STATE_LISTENING: "Listening on", "正在监听";
    STATE_BOUND: "Bound to", "已绑定";
    STATE_CLOSED: "Closed", "已关闭";
    STATE_SERVING: "Serving on", "服务中";
    RESET_COUNTERS: "Reset counters", "复位计数";
    RATE_PLOT: "Rate plot", "速率曲线";
    QUEUED: "waiting to be sent", "等待发送";
    RX_NOT_KEPT: "datagrams not kept", "个数据报未保留";
    RX_NOT_KEPT_HINT: "The window fell behind a UDP flood: datagrams beyond what may wait for it were counted, not kept. TCP is never dropped: its sender is slowed instead. Limit:", "窗口跟不上 UDP 洪流：超出等待上限的数据报只计数、不保留。TCP 不会丢弃，而是让发送方减速。上限：";

    // Hover hints (issue 10: every string through here).
    MESSAGES_HINT: "Messages received / sent", "接收/发送帧数";
    RATE_PLOT_HINT: "RX/TX bytes per second, last 5 minutes", "最近 5 分钟收发速率";

    // The rate plot (issue 12, defect 9): its series, axes and readout.
    RATE_RX: "RX rate", "接收速率";
    RATE_TX: "TX rate", "发送速率";
    RATE_BYTES_TITLE: "Bytes per second", "每秒字节数";
    RATE_MESSAGES_TITLE: "Messages per second", "每秒消息数";
    RATE_MESSAGES_UNIT: "msg/s", "条/秒";
    RATE_SECONDS_AGO: "seconds ago", "秒前";
    RATE_TIME_AXIS: "time axis: ", "时间轴：";
    RATE_LAST_SECOND: "Last second:", "上一秒：";

    // The tools drawer, the status bar and the window's flags in 简体中文
    // (issue 12, defect 4).
    BYTES_EXACT: "bytes", "字节";
    QUEUE_LIMIT_HINT: "Sends are refused once this much waits:", "等待发送的数据达到此值后拒绝发送：";
    RX_COUNTER: "RX", "接收";
    TX_COUNTER: "TX", "发送";
}
