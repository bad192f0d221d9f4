//! The UI's words in English and 简体中文. Each string is a constant with
//! both languages, so a missing translation is a compile error, not a key
//! that shows up on screen.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The system's language on first start: Chinese for any `zh` locale.
    pub fn from_system() -> Lang {
        match sys_locale::get_locale() {
            Some(locale) if locale.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" | "english" => Some(Lang::En),
            "zh" | "zh-cn" | "cn" | "chinese" => Some(Lang::Zh),
            _ => None,
        }
    }

    pub fn t(self, text: &Text) -> &'static str {
        match self {
            Lang::En => text.en,
            Lang::Zh => text.zh,
        }
    }
}

pub struct Text {
    pub en: &'static str,
    pub zh: &'static str,
}

macro_rules! texts {
    ($($name:ident: $en:expr, $zh:literal;)*) => {
        $(pub const $name: Text = Text { en: $en, zh: $zh };)*
    };
}

/// Event rows and error sentences in the window's language. English is the
/// engine's own wording (`Description`'s and the errors' `Display`, the
/// lines the CLI prints); 简体中文 is worded here from the same typed
/// fields, so every word is Chinese except addresses, numbers, units,
/// protocol names, HEX, file names and text from a peer or the system.
pub mod sentences {
    use std::time::Duration;

    use super::Lang;
    use crate::describe::{Description, rate_text, shown_addr};
    use crate::gui::tools::{AutoReplySettingError, FramingSettingError, RefusedRule};
    use crate::log::LogPeer;
    use crate::net::GroupError;
    use crate::net::autoreply::RuleError;
    use crate::net::{AddrError, CloseReason, ReplyHeld, SessionError, TftpRequest, seconds_text};
    use crate::text::{EncodeError, EscapeError, FramingSpecError, HexError, UnknownChoice};
    use crate::tftp::{TransferDirection, TransferFailure};

    /// An event's row in the log, or `None` for events that are not rows
    /// (data, progress, connection attempts).
    pub fn event_line(lang: Lang, description: &Description) -> Option<String> {
        if !description.is_line() {
            return None;
        }
        Some(match lang {
            Lang::En => description.to_string(),
            Lang::Zh => event_line_zh(description),
        })
    }

    fn event_line_zh(description: &Description) -> String {
        match description {
            Description::Traffic
            | Description::Connecting { .. }
            | Description::TransferProgress { .. }
            | Description::FileProgress { .. } => String::new(),
            Description::Listening { local } => format!("开始监听 {local}"),
            Description::Connected { peer, .. } => format!("已连接 {}", shown_addr(*peer)),
            Description::Disconnected { peer, reason } => format!(
                "已断开 {} ({})",
                shown_addr(*peer),
                close_reason(Lang::Zh, *reason)
            ),
            Description::PeerFinished { peer } => {
                format!(
                    "结束发送 {} ({})",
                    shown_addr(*peer),
                    super::PEER_FINISHED.zh
                )
            }
            Description::RxDropped { datagrams, bytes } => {
                format!("丢弃 累计 {datagrams} 个数据报 ({bytes} 字节) 未保留：输出跟不上")
            }
            Description::ReplyHeld(held) => format!("限流 {}", reply_held(Lang::Zh, held)),
            Description::Error(error) => format!("错误 {}", session_error(Lang::Zh, error)),
            Description::TransferStarted {
                id,
                file,
                peer,
                direction,
                size,
            } => {
                let way = match direction {
                    TransferDirection::Send => "发送到",
                    TransferDirection::Receive => "接收自",
                };
                match size {
                    Some(size) => format!("开始 #{id} {file} {way} {peer}，{size} 字节"),
                    None => format!("开始 #{id} {file} {way} {peer}"),
                }
            }
            Description::TransferDone {
                id,
                file,
                bytes,
                elapsed,
            } => format!(
                "完成 #{id} {file} {bytes} 字节，用时 {:.3} 秒 ({})",
                elapsed.as_secs_f64(),
                rate(Lang::Zh, *bytes, *elapsed)
            ),
            Description::TransferFailed { id, file, reason } => {
                format!("失败 #{id} {file}：{}", transfer_failure(Lang::Zh, reason))
            }
            Description::LoopStopped { sent } => format!("循环发送结束，共发送 {sent} 次"),
            Description::Joined { group } => format!("加入组播 {group}"),
            Description::Left { group } => format!("退出组播 {group}"),
            Description::FileSent { file, bytes } => match file {
                Some(file) => format!("文件已发送 {file} {bytes} 字节"),
                None => format!("文件已发送 {bytes} 字节"),
            },
            Description::FileStopped {
                file,
                sent,
                total,
                reason,
            } => format!(
                "文件发送中止 {}已发送 {sent} / {total} 字节：{}",
                file.as_ref().map(|f| format!("{f} ")).unwrap_or_default(),
                session_error(Lang::Zh, reason)
            ),
            Description::RxFileFailed(failed) => format!(
                "错误 接收保存到文件已停止：无法写入 {}：{}",
                failed.path.display(),
                failed.reason
            ),
            Description::Tls(tls) => super::sec_sentences::tls_event(Lang::Zh, tls),
            Description::Closed { error: None } => "已关闭".to_owned(),
            Description::Closed { error: Some(error) } => {
                format!("错误 {}", session_error(Lang::Zh, error))
            }
            Description::Ws(event) => ws_event_zh(event),
        }
    }

    /// A WebSocket event's row in 简体中文, worded from its typed fields.
    fn ws_event_zh(event: &crate::net::ws::WsEvent) -> String {
        use crate::net::ws::{WsEvent, WsProblem};
        let unshown_zh = super::unshown_since;
        match event {
            WsEvent::Handshake {
                peer,
                path,
                subprotocol,
                headers,
            } => {
                let mut text = format!("WebSocket 握手完成 {peer} {path}");
                if let Some(sub) = subprotocol {
                    text.push_str(&format!("，子协议 {sub}"));
                }
                for (name, value) in headers {
                    text.push_str(&format!("；{name}: {value}"));
                }
                text
            }
            WsEvent::Ping {
                peer,
                payload,
                unshown,
            } => format!(
                "收到心跳请求 {peer} '{payload}'（已应答）{}",
                unshown_zh(*unshown)
            ),
            WsEvent::Pong {
                peer,
                payload,
                unshown,
            } => format!("收到心跳应答 {peer} '{payload}'{}", unshown_zh(*unshown)),
            WsEvent::Closed {
                peer,
                code,
                reason,
                by_peer,
            } => {
                let who = if *by_peer {
                    "对方关闭"
                } else {
                    "本端关闭"
                };
                let mut text = format!("WebSocket {who} {peer}，关闭码 {code}");
                if !reason.is_empty() {
                    text.push_str(&format!("，原因 '{reason}'"));
                }
                text
            }
            WsEvent::ProtocolError { peer, problem } => {
                let what = match problem {
                    WsProblem::MessageTooBig { limit } => format!("消息超过 {limit} 字节上限"),
                    WsProblem::HeldTooMuch { budget, unshown } => format!(
                        "各客户端未完成的消息合计超过 {budget} 字节，已关闭占用最多的这个客户端{}",
                        super::unshown_since(*unshown)
                    ),
                    WsProblem::InvalidUtf8 => "文本消息不是有效的 UTF-8 编码".to_owned(),
                    WsProblem::UnmaskedFrame => "客户端发送了未加掩码的帧".to_owned(),
                    WsProblem::PingFlood { per_second } => {
                        format!("每秒心跳请求超过 {per_second} 个")
                    }
                    WsProblem::HandshakeRefused { status } => {
                        format!("服务器以 HTTP {status} 拒绝了握手：请检查网址的路径")
                    }
                    WsProblem::PathNotServed { path } => {
                        format!("请求的路径 {path} 不受服务（已回复 404）")
                    }
                    WsProblem::HandshakePushedOut {
                        handshaking,
                        unshown,
                    } => format!(
                        "客户端尚未完成 WebSocket 握手时已有 {handshaking} 个握手在进行（服务器最多同时保留这么多），新连接到来，最早的让位{}",
                        super::unshown_since(*unshown)
                    ),
                    WsProblem::HandshakeTimeout { seconds } => {
                        format!("握手未在 {seconds} 秒内完成")
                    }
                    WsProblem::Other(text) => format!("协议错误：{text}"),
                };
                match problem.close_code() {
                    Some(code) => format!("WebSocket 错误 {peer}：{what}（以关闭码 {code} 关闭）"),
                    None => format!("WebSocket 错误 {peer}：{what}"),
                }
            }
        }
    }

    /// Who a log row is about: an address, or (a TCP server's send to
    /// several) how many clients.
    pub fn log_peer(lang: Lang, peer: LogPeer) -> String {
        match (lang, peer) {
            (Lang::Zh, LogPeer::Clients(count)) => format!("{count} 个客户端"),
            (_, peer) => peer.to_string(),
        }
    }

    /// A transfer rate; only "instant" has words.
    fn rate(lang: Lang, bytes: u64, elapsed: Duration) -> String {
        match lang {
            Lang::Zh if elapsed.is_zero() => "瞬间完成".to_owned(),
            _ => rate_text(bytes, elapsed),
        }
    }

    pub fn close_reason(lang: Lang, reason: CloseReason) -> &'static str {
        match lang {
            Lang::En => reason.describe(),
            Lang::Zh => match reason {
                CloseReason::ClosedByPeer => "对方关闭",
                CloseReason::Reset => "对方重置了连接",
                CloseReason::Local => "已关闭",
                CloseReason::TooManyClients => "已拒绝：客户端过多",
                CloseReason::TooManyFromAddress => {
                    "已拒绝：该地址的客户端数已达到服务器对单个地址允许的上限"
                }
                CloseReason::Idle => "已断开：空闲时间超过了空闲超时",
            },
        }
    }

    /// Answers held back, as the `LIMITED` row says them.
    pub fn reply_held(lang: Lang, held: &ReplyHeld) -> String {
        match (lang, held) {
            (Lang::En, held) => held.to_string(),
            (Lang::Zh, ReplyHeld::OwnAddress { peer }) => {
                format!("未应答 {peer}：这是本会话自己的地址，应答会形成回环")
            }
            (
                Lang::Zh,
                ReplyHeld::OverCap {
                    peer,
                    skipped,
                    per_second,
                },
            ) => format!(
                "来自 {peer} 的 {skipped} 条消息未应答：每个对端每秒最多应答 {per_second} 条"
            ),
            (Lang::Zh, ReplyHeld::TooManyPeers { skipped, max_peers }) => {
                format!("{skipped} 条消息未应答：一秒内发来消息的对端超过 {max_peers} 个")
            }
        }
    }

    /// A session's error sentence.
    pub fn session_error(lang: Lang, error: &SessionError) -> String {
        if lang == Lang::En {
            return error.to_string();
        }
        match error {
            SessionError::AddrInUse { addr } => {
                format!("{addr} 已被其他程序占用：请换一个端口，或关闭占用它的程序")
            }
            SessionError::PrivilegedPort { port, suggest } => {
                format!("端口 {port} 在这里需要管理员权限：请选择 1023 以上的端口 (例如 {suggest})")
            }
            SessionError::AddrNotAvailable { addr } => {
                format!("{addr} 不是本机的地址：请选择 0.0.0.0、:: 或本机自己的地址")
            }
            SessionError::Bind { addr, reason } => format!("无法打开 {addr}：{reason}"),
            SessionError::Refused { addr } => {
                format!("{addr} 拒绝了连接：那里有服务器在监听吗？")
            }
            SessionError::ConnectTimeout { addr, timeout } => {
                format!("{addr} 在 {} 秒内没有应答", seconds_text(*timeout))
            }
            SessionError::Connect { addr, reason } => format!("无法连接 {addr}：{reason}"),
            SessionError::Address(error) => addr_error(lang, error),
            SessionError::NoRemote => {
                "没有远程地址：请输入 IP:端口，或等对方先发来消息再回复它".to_owned()
            }
            SessionError::NotConnected => "未连接".to_owned(),
            SessionError::NoClients => "没有已连接的客户端".to_owned(),
            SessionError::UnknownClient { peer } => format!("{peer} 不是已连接的客户端"),
            SessionError::Send { peer, reason } => format!("发送到 {peer} 失败：{reason}"),
            SessionError::BroadcastNotAllowed { peer } => {
                format!("发往 {peer} 的广播被拒绝：请勾选“允许广播”后重新打开")
            }
            SessionError::QueueFull { peer, queued } => {
                format!("发往 {peer} 的发送队列已满 ({queued} 字节在等待)：对方读取得不够快")
            }
            SessionError::Io { context, reason } => format!("系统错误 ({context})：{reason}"),
            SessionError::Unsupported => "此会话不支持该操作".to_owned(),
            SessionError::Panicked(reason) => format!("会话因内部错误而停止：{reason}"),
            SessionError::NotMulticast { group } => format!(
                "{group} 不是组播地址：IPv4 组播地址为 224.0.0.0 到 239.255.255.255，IPv6 组播地址以 ff 开头"
            ),
            SessionError::MulticastFamily { group, local, hint } => format!(
                "{group} 与本地地址 {local} 的 IP 版本不同：请绑定到 {hint} 以使用该组播地址"
            ),
            SessionError::Join { group, reason } => {
                format!("无法加入组播组 {group}：{reason}")
            }
            SessionError::Leave { group, reason } => {
                format!("无法退出组播组 {group}：{reason}")
            }
            SessionError::MulticastOption(reason) => format!("无法设置组播：{reason}"),
            SessionError::NoSuchInterface { interface } => {
                format!("本机没有网卡 {interface}：请从网卡列表中选择")
            }
            SessionError::FileNotFound { path } => format!("{path} 不存在：请重新选择文件"),
            SessionError::FileIsFolder { path } => {
                format!("{path} 是文件夹而不是文件：请选择一个文件")
            }
            SessionError::FileRead { path, reason } => format!("无法读取 {path}：{reason}"),
            SessionError::FileBusy => "已有文件正在发送：请等它发完，或取消它".to_owned(),
            SessionError::NoFileSending => "没有正在发送的文件".to_owned(),
            SessionError::FileCancelled => "文件发送已取消".to_owned(),
            SessionError::FileInterrupted => "文件还没发完，连接就已结束".to_owned(),
            SessionError::AutoReply(error) => {
                format!("自动应答无法生成回复：{}", rule_error(lang, error))
            }
            SessionError::TftpFolder { folder, reason } => {
                format!("无法提供文件夹 {}：{reason}", folder.display())
            }
            SessionError::TftpNotAFolder { folder } => {
                format!("{} 不是文件夹", folder.display())
            }
            SessionError::TftpRefused {
                request,
                peer,
                reason,
            } => {
                let request = match request {
                    TftpRequest::Download { file } => format!("下载 '{file}' 的请求"),
                    TftpRequest::Upload { file } => format!("上传 '{file}' 的请求"),
                    TftpRequest::Malformed => "一个请求".to_owned(),
                };
                format!("已拒绝 {peer} {request}：{reason}")
            }
            SessionError::TftpRefusedUnshown { count } => {
                format!("输出跟不上期间又拒绝了 {count} 个请求 (未逐条显示)")
            }
            SessionError::TftpNoAddress { host } => format!("找不到 {host} 的地址"),
            SessionError::TftpNoFileName { name } => {
                format!("'{name}' 的结尾不是可以保存的文件名")
            }
            SessionError::Tftp(failure) => transfer_failure(lang, failure),
            SessionError::Tls(error) => super::sec_sentences::tls_setup_error(lang, error),
            SessionError::TlsHandshake { peer } => match lang {
                Lang::En => error.to_string(),
                Lang::Zh => format!("未能与 {peer} 建立 TLS 连接"),
            },
        }
    }

    /// Why a TFTP transfer failed. What the peer wrote (its ERROR text, the
    /// options it answered) and what the system says are quoted as they
    /// are.
    pub fn transfer_failure(lang: Lang, failure: &TransferFailure) -> String {
        if lang == Lang::En {
            return failure.to_string();
        }
        match failure {
            TransferFailure::PeerError { code, message } if message.is_empty() => {
                format!("对方结束了传输 (TFTP 错误 {code})")
            }
            TransferFailure::PeerError { code, message } => {
                format!("对方结束了传输：{message} (TFTP 错误 {code})")
            }
            TransferFailure::PeerGone => "对方关闭了端口".to_owned(),
            TransferFailure::NoAnswer { tries } => format!("尝试 {tries} 次后对方仍无应答"),
            TransferFailure::FirstAnswerTimeout { secs } => {
                format!("对方在第一个包之后 {secs} 秒内没有应答")
            }
            TransferFailure::OptionsRefused(reason) => {
                format!("服务器的选项应答无法接受：{reason}")
            }
            TransferFailure::ServerRefusedOptions => "服务器拒绝了传输选项".to_owned(),
            TransferFailure::BlockTooLarge { len, blksize } => {
                format!("对方发送了 {len} 字节的块，超过了协商的 {blksize} 字节")
            }
            TransferFailure::OverTsize { limit } => {
                format!("对方发送的数据超过了它声明的 {limit} 字节 (tsize)；上传已丢弃")
            }
            TransferFailure::SizeDiffers { expected, got } => {
                format!("服务器声明 {expected} 字节，实际发送了 {got} 字节；下载已丢弃")
            }
            TransferFailure::ReadFile { reason } => format!("无法读取文件：{reason}"),
            TransferFailure::DiskFull => "磁盘已满".to_owned(),
            TransferFailure::WriteFile => "无法写入文件".to_owned(),
            TransferFailure::StoreExists => {
                "期间出现了同名文件：已保留该文件，上传已丢弃".to_owned()
            }
            TransferFailure::StoreFailed { reason } => format!("无法完成文件：{reason}"),
            TransferFailure::CancelledByClient => "已被客户端取消".to_owned(),
            TransferFailure::CancelledOnServer => "已在服务器上取消".to_owned(),
            TransferFailure::ServerStopped => "服务器已停止".to_owned(),
            TransferFailure::Cancelled => "已取消".to_owned(),
            TransferFailure::OpenSocket { reason } => format!("无法打开 UDP 套接字：{reason}"),
            TransferFailure::WatchSocket { reason } => format!("无法监视套接字：{reason}"),
            TransferFailure::WaitSocket { reason } => format!("等待套接字失败：{reason}"),
            TransferFailure::Receive { reason } => format!("接收失败：{reason}"),
            TransferFailure::TalkTo { peer, reason } => format!("无法与 {peer} 通信：{reason}"),
            TransferFailure::NoServer { server } => {
                format!("{server} 没有 TFTP 服务器：端口已关闭")
            }
            TransferFailure::CreateFile { folder, reason } => {
                format!("无法在 {} 中创建文件：{reason}", folder.display())
            }
            TransferFailure::ReadLocal { path, reason } => {
                format!("无法读取 {}：{reason}", path.display())
            }
            TransferFailure::WriteLocal { path, reason } => {
                format!("无法写入 {}：{reason}", path.display())
            }
        }
    }

    /// Why an address or port was refused.
    pub fn addr_error(lang: Lang, error: &AddrError) -> String {
        if lang == Lang::En {
            return error.to_string();
        }
        match error {
            AddrError::Empty => "地址为空：请使用 IP:端口，例如 192.168.1.8:8080".to_owned(),
            AddrError::MissingPort(text) => {
                format!("'{text}' 缺少端口：请使用 IP:端口，例如 192.168.1.8:8080")
            }
            AddrError::BadPort(text) => format!("端口 '{text}' 不是 0 到 65535 之间的数字"),
            AddrError::ZeroRemotePort => {
                "端口 0 表示“任意空闲端口”，不能作为目标：请填写对方的端口 (1 到 65535)".to_owned()
            }
            AddrError::BadHost(text) => format!(
                "'{text}' 不是有效的主机：请使用 192.168.1.8 或 ::1 这样的 IP 地址，或主机名"
            ),
            AddrError::NotAnIp(text) => format!(
                "'{text}' 不是本地 IP 地址：请使用 0.0.0.0 (所有 IPv4)、:: (所有 IPv6 和 IPv4)、127.0.0.1 或本机的某个地址"
            ),
            AddrError::Unresolved { host, reason } => {
                format!("找不到 '{host}' 的地址：{reason}")
            }
        }
    }

    /// Why the send box's HEX was refused.
    pub fn hex_error(lang: Lang, error: &HexError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (
                Lang::Zh,
                HexError::NotHex {
                    character,
                    position,
                },
            ) => {
                format!("第 {position} 个字符 '{character}' 不是 HEX 数字")
            }
            (Lang::Zh, HexError::OddDigit { position }) => {
                format!("第 {position} 个字符处的 HEX 数字不成对：每个字节写两位 (0A，而不是 A)")
            }
        }
    }

    /// Why the send box's text (escapes, characters the encoding lacks)
    /// was refused.
    pub fn escape_error(lang: Lang, error: &EscapeError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, EscapeError::Unknown(character, position)) => format!(
                "第 {position} 个字符处的 '\\{character}' 不是转义符：请使用 \\r \\n \\t \\\\ 或 \\xHH"
            ),
            (Lang::Zh, EscapeError::BadHex(position)) => {
                format!("第 {position} 个字符处的 '\\x' 需要两位 HEX 数字，例如 \\x0D")
            }
            (Lang::Zh, EscapeError::Trailing) => {
                "文本以单独的 '\\' 结尾：反斜杠请写作 \\\\".to_owned()
            }
            (Lang::Zh, EscapeError::Encode(error)) => encode_error(lang, error),
        }
    }

    pub fn encode_error(lang: Lang, error: &EncodeError) -> String {
        match lang {
            Lang::En => error.to_string(),
            Lang::Zh => format!("'{}' 无法用 {} 编码表示", error.character, error.encoding),
        }
    }

    // The tools' settings and the window's flags (issue 12, defect 4):
    // the framing and auto-reply rules are the engine's; only their words
    // are here.

    /// Why a framing was refused, by the engine's one rule
    /// (`Framing::checked`) or the command line's `--framing`.
    pub fn framing_spec_error(lang: Lang, error: &FramingSpecError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, FramingSpecError::Unknown { spec }) => format!(
                "'{spec}' 不是分包方式：请使用 delimiter:HEX (例如 delimiter:0D0A)、fixed:N (消息长度，单位字节，例如 fixed:16) 或 idle:MS (间隔毫秒数，例如 idle:50)"
            ),
            (Lang::Zh, FramingSpecError::DelimiterHex { text, source }) => {
                format!(
                    "分隔符 '{text}' 不是有效的 HEX：{}",
                    hex_error(lang, source)
                )
            }
            (Lang::Zh, FramingSpecError::EmptyDelimiter) => {
                "分隔符为空：请输入结束一条消息的字节，例如 \\r\\n (0D0A)".to_owned()
            }
            (Lang::Zh, FramingSpecError::ZeroLength) => {
                "0 字节的消息长度永远无法结束一条消息：请输入 1 以上的字节数，例如 16".to_owned()
            }
            (Lang::Zh, FramingSpecError::ZeroGap) => {
                "0 ms 的空闲间隔永远无法结束一条消息：请输入 1 以上的毫秒数，例如 50".to_owned()
            }
            (Lang::Zh, FramingSpecError::BadLength { text }) => {
                format!("'{text}' 不是消息长度：请输入 1 以上的字节数，例如 16")
            }
            (Lang::Zh, FramingSpecError::BadGap { text }) => {
                format!("'{text}' 不是空闲间隔：请输入 1 以上的毫秒数，例如 50")
            }
        }
    }

    /// Why the framing tool's setting was refused.
    pub fn framing_setting_error(lang: Lang, error: &FramingSettingError) -> String {
        match error {
            FramingSettingError::Delimiter(error) => format!(
                "{}：{}",
                lang.t(&super::FRAMING_DELIMITER),
                escape_error(lang, error)
            ),
            FramingSettingError::Spec(error) => framing_spec_error(lang, error),
        }
    }

    /// Why the engine refused an auto-reply rule.
    pub fn rule_error(lang: Lang, error: &RuleError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, RuleError::EmptyPattern) => {
                "匹配内容为空：请输入收到的消息应包含的内容".to_owned()
            }
            // The regex library's reason is English only; the pattern and
            // a hint say what to look at.
            (Lang::Zh, RuleError::BadRegex { pattern, .. }) => {
                format!(
                    "'{pattern}' 不是有效的正则表达式：请检查括号、方括号和反斜杠是否成对、完整"
                )
            }
            (Lang::Zh, RuleError::BadHex(error)) => format!(
                "HEX 匹配内容无效：{} (?? 表示任意字节)",
                hex_error(lang, error)
            ),
            (Lang::Zh, RuleError::MissingGroup { index, groups }) => {
                format!("回复中用了 ${index}，但正则表达式只有 {groups} 个分组")
            }
            (Lang::Zh, RuleError::GroupWithoutRegex { index }) => {
                format!("回复中用了 ${index}，但只有正则表达式才有分组")
            }
            (Lang::Zh, RuleError::BadReply(error)) => {
                format!("回复文本无效：{}", escape_error(lang, error))
            }
            (Lang::Zh, RuleError::Capture { text, reason }) => {
                format!("回复无法包含收到的文本 '{text}'：{reason}")
            }
        }
    }

    /// The first ticked auto-reply rule that does not compile, by its
    /// number in the drawer.
    pub fn refused_rule(lang: Lang, refused: &RefusedRule) -> String {
        let reason = match &refused.error {
            AutoReplySettingError::Pattern(error) => escape_error(lang, error),
            AutoReplySettingError::ReplyHex(error) => match lang {
                Lang::En => format!("reply: {error}"),
                Lang::Zh => format!("回复：{}", hex_error(lang, error)),
            },
            AutoReplySettingError::Rule(error) => rule_error(lang, error),
        };
        match lang {
            Lang::En => format!("rule {}: {reason}", refused.number),
            Lang::Zh => format!("规则 {}：{reason}", refused.number),
        }
    }

    /// Why a multicast group or its interface was refused.
    pub fn group_error(lang: Lang, error: &GroupError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, GroupError::NotAGroup(text)) => {
                format!("'{text}' 不是组播地址：请使用 224.0.0.0–239.255.255.255 或 ff00::/8")
            }
            (Lang::Zh, GroupError::NotAnInterfaceAddress(text)) => {
                format!("'{text}' 不是网卡地址：请选择本机的某个地址，或留空")
            }
        }
    }

    /// A name that is none of the choices (an encoding given with
    /// `--encoding`). The choices are the flag's own words.
    pub fn unknown_choice(lang: Lang, error: &UnknownChoice) -> String {
        match lang {
            Lang::En => error.to_string(),
            Lang::Zh => format!(
                "'{}' 无法识别：请使用 {}",
                error.given,
                error.choices.replace("(or ", "(或 ").replace(" or ", "、")
            ),
        }
    }
}

texts! {
    APP_TITLE: "NetAssist — network assistant", "NetAssist 网络调试助手";
    LANGUAGE: "Language", "语言";
    DARK_MODE: "Dark", "深色";
    NEW_TAB: "New session tab", "新建会话标签";
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
    CHECKSUM_BAD: "does not match", "校验错误";
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
    SEND_FILE: "Send file…", "打开文件数据源…";
    CANCEL_FILE: "Stop file", "停止文件发送";
    PROFILES: "Profiles", "配置";
    PROFILE_NAME: "Profile name", "配置名称";
    PROFILE_SAVE: "Save this tab", "保存当前标签";
    PROFILE_NONE: "No profiles saved yet", "尚无已保存的配置";
    PROFILE_LOAD: "Load into this tab", "载入到当前标签";
    PROFILE_BUSY: "Close the session first", "请先关闭会话";
    CLOSE_TAB: "Close this tab and its session", "关闭此标签及其会话";
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
    CANCEL: "Cancel", "取消";
    CONNECT_TIMEOUT: "Connect timeout (s)", "连接超时 (秒)";
    MAX_CLIENTS: "Max clients", "最大客户端数";
    IDLE_TIMEOUT: "Idle timeout (s, 0: off)", "空闲超时 (秒，0：不限)";
    IDLE_TIMEOUT_HINT: "Drop a client that sends nothing, and takes nothing queued for it, for this long", "客户端在此时间内既不发送也不接收排队数据时断开";
    MAX_CLIENTS_PER_IP: "Clients per IP (0: any)", "每个 IP 客户端数 (0：不限)";
    MAX_CLIENTS_PER_IP_HINT: "Further clients from the same address are turned away", "同一地址超出的客户端将被拒绝";
    PEER_FINISHED: crate::net::PEER_FINISHED, "对方已结束发送";
    REPLY_TO_LAST: "Reply to last sender", "回复最后发送方";
    ALLOW_BROADCAST: "Allow broadcast", "允许广播";
    RECV_SETTINGS: "Recv options", "接收设置";
    SEND_SETTINGS: "Send options", "发送设置";
    RX_ENCODING: "Receive encoding", "接收编码";
    TX_ENCODING: "Send encoding", "发送编码";
    RX_HEX: "HEX display", "十六进制显示";
    TX_HEX: "HEX send", "按十六进制发送";
    SHOW_TIME: "Show time", "显示接收时间";
    AUTO_SCROLL: "Auto-scroll", "自动滚屏";
    PAUSE: "Pause display", "暂停接收显示";
    CLEAR: "Clear", "清除接收";
    COPY_ALL: "Copy all", "复制全部";
    SAVE_LOG: "Save log…", "保存数据…";
    ESCAPES: "Parse escapes (\\r \\n \\t \\xHH)", "转义符指令解析 (\\r \\n \\t \\xHH)";
    LINE_ENDING: "Append", "附加换行";
    CLEAR_AFTER_SEND: "Clear after send", "发送完自动清空";
    LOOP_SEND: "Loop send", "循环发送";
    HISTORY: "History", "历史发送";
    HISTORY_EMPTY: "Nothing sent yet", "尚无发送记录";
    QUICK_COMMANDS: "Quick commands", "快捷指令";
    QUICK_NAME: "Name", "名称";
    QUICK_SAVE: "Save send box", "保存发送框内容";
    QUICK_LOAD: "Put in the send box", "放入发送框";
    QUICK_DELETE: "Delete", "删除";
    QUICK_DELAY: "then wait", "之后等待";
    RUN_SEQUENCE: "Run all in order", "按顺序全部发送";
    STOP_SEQUENCE: "Stop sequence", "停止序列";
    LOOP_PERIOD: "every", "周期";
    LOOP_COUNT: "Times (0 = forever)", "次数 (0 = 无限)";
    STOP_LOOP: "Stop loop", "停止循环";
    LOG_CAP: "Keep entries", "保留条数";
    RX_TO_FILE: "Save received to file", "接收保存到文件";
    RX_FILE_WRITE_FAILED: "Saving to file stopped; what arrived since is only in the log. Cannot write", "接收保存到文件已停止，此后收到的数据只在日志中。无法写入";
    RX_FILE: "File", "文件";
    RX_FILE_RAW: "Raw bytes", "原始字节";
    RX_FILE_LINES: "Log lines", "日志行";
    DATA_LOG: "Data log", "数据日志";
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
    TFTP_ROOT: "Folder", "目录";
    BROWSE: "Browse…", "浏览…";
    ALLOW_UPLOADS: "Allow uploads", "允许上传";
    ALLOW_UPLOADS_NEEDS_FOLDER: "Choose the folder to serve first: uploads are saved only into a folder you chose.", "请先选择要提供服务的目录：上传只保存到您选择的目录。";
    ALLOW_OVERWRITE: "Allow overwrite", "允许覆盖";
    TFTP_MAX_PER_ADDRESS: "Max transfers per address", "每个地址最多传输数";
    TFTP_REMOTE_FILE: "Remote file", "远程文件";
    TFTP_LOCAL_FILE: "Local file", "本地文件";
    TFTP_LOCAL_DIR: "Save into", "保存到";
    TFTP_GET: "Get", "下载";
    TFTP_PUT: "Put", "上传";
    TFTP_BLKSIZE: "Block size", "块大小";
    TFTP_WINDOWSIZE: "Window size", "窗口大小";
    TFTP_MODE: "Mode", "模式";
    TRANSFERS: "Transfers", "传输";
    COL_FILE: "File", "文件";
    COL_DIRECTION: "Direction", "方向";
    COL_PROGRESS: "Progress", "进度";
    COL_RATE: "Rate", "速率";
    COL_STATE: "State", "状态";
    DOWNLOAD: "receive", "接收";
    UPLOAD: "send", "发送";
    RUNNING: "running", "进行中";
    DONE: "done", "完成";
    FAILED: "failed", "失败";
    LOOP_PERIOD_MS: "Loop period", "循环周期";
    LOOP_RUNNING: "Looping, sent", "循环发送中，已发送";
    CHECKSUM_APPENDED_HINT: "Every send gets this checksum appended (Tools → Checksum)", "每次发送都附加此校验 (工具 → 校验)";
}

texts! {
    SETTINGS_UNREADABLE: "Some saved settings could not be read and are back at their defaults", "部分已保存的设置无法读取，已恢复为默认值";
    SETTINGS_BACKUP: "the saved file is kept as", "原文件已备份为";
    SETTINGS_NO_BACKUP: "the saved file could not be kept", "原文件无法备份";
    // Sentences next to the fields (issue 10: every string through here).
    CHOOSE_FOLDER: "choose a folder", "请选择文件夹";
    NOT_A_FOLDER: "is not a folder", "不是文件夹";
    FOLDER_NOT_WRITABLE: "cannot be written: choose a folder you may write to", "无法写入：请选择有写入权限的文件夹";
    NOT_A_FILE: "is not a file", "不是文件";
    ENTER_REMOTE_FILE: "enter the name of the remote file", "请输入远程文件名";
    CHOOSE_RX_FILE: "choose a file to save into", "请选择保存到的文件";
    CANNOT_OPEN: "cannot open", "无法打开";
    CANNOT_SAVE: "cannot save", "无法保存";
    NOTHING_TO_SEND: "nothing to send", "没有要发送的内容";
    NOT_CONNECTED: "not connected: press Connect first", "未连接：请先点击连接";
    NOT_OPEN: "the session is not open: press Open first", "会话未打开：请先点击打开";
    // Hover hints (issue 10: every string through here).
    TOOLS_HINT: "Auto reply, checksum, framing, multicast", "自动应答、校验、分包、组播";
    DARK_MODE_HINT: "Light or dark theme", "浅色或深色主题";
    SEND_TO_HINT: "Tick clients to send to them only", "勾选客户端只发送给它们";
    FIND_HINT: "Text, or HEX when HEX display is on", "文本，或十六进制显示时的 HEX";
    HISTORY_HINT: "Up / Down in the send box", "发送框中按上下键";
    SEND_FILE_HINT: "Or drop a file on the window", "或把文件拖到窗口";
    MESSAGES_HINT: "Messages received / sent", "接收/发送帧数";
    RATE_PLOT_HINT: "RX/TX bytes per second, last 5 minutes", "最近 5 分钟收发速率";
    AUTO_REPLY_ESCAPES_HINT: "Escapes \\r \\n \\xHH; after a regex $1…$9", "转义符；正则后可用 $1…$9";
    MULTICAST_GROUPS_HINT: "Joined at open; Join/Leave while open", "打开时加入；打开后可加入/退出";
    REPLY_TO_LAST_HINT: "Send to whoever sent last, not the remote address", "发送给最后一个发送方";
    BROADCAST_HINT: "Needed to send to x.x.x.255 or 255.255.255.255", "发送到广播地址时需要";
    CONNECT_TIMEOUT_HINT: "Give up connecting after this long", "超过此时间放弃连接";
    MAX_CLIENTS_HINT: "Further clients are turned away", "超出的客户端将被拒绝";
    TFTP_ROOT_HINT: "Files are served from, and uploads saved to, this folder", "提供下载和保存上传的目录";
    TFTP_ALLOW_WRITE_HINT: "Receive files into the folder (WRQ)", "接收上传到目录";
    TFTP_OVERWRITE_HINT: "Let an upload replace a file that exists", "允许上传覆盖已有文件";
    TFTP_PER_ADDRESS_HINT: "Further requests from that address (IPv6: its /64) are refused while others are served", "超出后该地址（IPv6 按 /64）的请求被拒绝，其他地址照常服务";
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
    TFTP_LOCAL_DIR_HINT: "Folder for downloads", "下载保存的目录";
    TFTP_LOCAL_FILE_HINT: "File to upload", "要上传的文件";
    AUTO_REPLY_LIVE: "Ticked rules apply at once, also while the session is open.", "勾选的规则立即生效（会话打开时也是）。";
}

texts! {
    TOOL_NOT_FOR_TFTP: "Does not apply to TFTP: it moves whole files, not messages.", "不适用于 TFTP：TFTP 传输整个文件，而不是消息。";
    FRAMING_TCP_ONLY: "Only for TCP: a UDP datagram is a whole message already.", "仅用于 TCP：一个 UDP 数据报本身就是一条完整消息。";
    MULTICAST_UDP_ONLY: "Only for UDP: multicast groups are joined by a UDP socket.", "仅用于 UDP：组播组只能由 UDP 套接字加入。";
}

// The rate plot (issue 12, defect 9): its series, axes and readout.
texts! {
    RATE_RX: "RX rate", "接收速率";
    RATE_TX: "TX rate", "发送速率";
    RATE_BYTES_TITLE: "Bytes per second", "每秒字节数";
    RATE_MESSAGES_TITLE: "Messages per second", "每秒消息数";
    RATE_MESSAGES_UNIT: "msg/s", "条/秒";
    RATE_SECONDS_AGO: "seconds ago", "秒前";
    RATE_TIME_AXIS: "time axis: ", "时间轴：";
    RATE_LAST_SECOND: "Last second:", "上一秒：";
}

texts! {
    // The tools drawer, the status bar and the window's flags in 简体中文
    // (issue 12, defect 4).
    PATTERN_CONTAINS: "contains", "包含";
    PATTERN_EQUALS: "equals", "等于";
    PATTERN_STARTS_WITH: "starts with", "开头是";
    PATTERN_REGEX: "regex", "正则表达式";
    PATTERN_HEX: "HEX (?? = any)", "HEX (?? = 任意字节)";
    BYTES_EXACT: "bytes", "字节";
    QUEUE_LIMIT_HINT: "Sends are refused once this much waits:", "等待发送的数据达到此值后拒绝发送：";
    RX_COUNTER: "RX", "接收";
    TX_COUNTER: "TX", "发送";
    FLAG_UNKNOWN_LANGUAGE: "unknown language", "无法识别的语言";
    FLAG_LANGUAGE_CHOICES: "use en or zh", "请使用 en 或 zh";
    SETTINGS_ALL_FIELDS: "all fields", "全部字段";
    SETTINGS_WHOLE_WINDOW: "the whole saved window", "整个已保存的窗口";
    SETTINGS_TAB: "tab", "标签";
    SETTINGS_PROFILE: "profile", "配置";
    SETTINGS_NO_FOLDER: "no folder for settings", "没有保存设置的文件夹";
    FLAG_IDLE_TIMEOUT: "is not a number of seconds above 0", "不是大于 0 的秒数";
}

// The in-window file picker (issue 12, defect 10), shown when the system
// shows no file dialog.
texts! {
    PICKER_TITLE_FOLDER: "Choose a folder", "选择文件夹";
    PICKER_TITLE_OPEN: "Choose a file", "选择文件";
    PICKER_TITLE_SAVE: "Save as", "另存为";
    PICKER_NO_SYSTEM_DIALOG: "The system shows no file dialog here, so NetAssist shows its own.", "系统在此无法显示文件对话框，NetAssist 使用自己的文件选择器。";
    PICKER_FOLDER: "Folder:", "文件夹：";
    PICKER_GO: "Go", "转到";
    PICKER_UP: "Up", "上一级";
    PICKER_EMPTY: "This folder is empty.", "此文件夹为空。";
    PICKER_FILE_NAME: "File name:", "文件名：";
    PICKER_OK: "OK", "确定";
    PICKER_CANNOT_READ: "Cannot read this folder:", "无法读取此文件夹：";
}

// The log view's 自动换行 and 接收数据不显示 (issue 12, "what NetAssist has").
texts! {
    WRAP_ROWS: "Wrap lines", "自动换行";
    WRAP_ROWS_HINT: "Long rows wrap instead of being cut at the edge", "长行换行显示，而不是在边缘截断";
    HIDE_RECEIVED: "Don't show received data", "接收数据不显示";
    HIDE_RECEIVED_HINT: "For floods: nothing is drawn, but everything is still received, counted and saved to the receive file; untick to see it", "用于大流量：不绘制数据，但仍接收、计数并保存到文件；取消勾选即可查看";
    HIDDEN_NOTICE: "Received data is not shown", "接收数据不显示";
    HIDDEN_NOTICE_KEPT: "still received, counted and saved to file (when ticked); untick “Don't show received data” to see them", "仍在接收、计数并保存到文件（如已勾选）；取消勾选“接收数据不显示”即可查看";
}

// One 字符集 for both directions, and the encoding hint next to the log
// (issue 12, defect 5).
texts! {
    ENC_CHARSET: "Encoding", "字符集";
    ENC_SEPARATE: "Separate send and receive encodings", "分开设置收发编码";
    ENC_SEPARATE_HINT: "Send in another encoding than the one received data is shown in", "发送使用与接收不同的编码";
    ENC_HINT_BEFORE: "This looks like", "看起来是";
    ENC_HINT_AFTER: "", "编码";
    ENC_HINT_SWITCH: "Switch", "切换";
    ENC_HINT_SWITCH_HINT: "Show received data in this encoding (and send in it too, unless the encodings are set separately)", "按此编码显示接收数据（未分开设置收发编码时，发送也使用此编码）";
    ENC_HINT_DISMISS: "Dismiss", "忽略";
}

// The tools drawer's calculators, ASCII table, Modbus and waveform
// (issue 15).
texts! {
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
    TOOL_ORDER_HINT: "ABCD: high byte first · DCBA: low byte first · BADC: bytes swapped in each register · CDAB: registers swapped", "ABCD：高字节在前 · DCBA：低字节在前 · BADC：寄存器内字节交换 · CDAB：寄存器交换";
}

/// The tools' sentences (issue 15) in the window's language; English is
/// the engine's `Display` (and the Modbus spec's names).
pub mod tool_sentences {
    use super::Lang;
    use crate::gui::tools::modbus_tool::ModbusBuildError;
    use crate::modbus::{
        ExceptionCode, FrameError, FunctionCode, PduError, RequestError, ValuesError,
    };
    use crate::text::NumberError;

    /// "03 Read Holding Registers".
    pub fn function_name(lang: Lang, function: FunctionCode) -> String {
        let name = match lang {
            Lang::En => function.name(),
            Lang::Zh => match function {
                FunctionCode::ReadCoils => "读线圈",
                FunctionCode::ReadDiscreteInputs => "读离散输入",
                FunctionCode::ReadHoldingRegisters => "读保持寄存器",
                FunctionCode::ReadInputRegisters => "读输入寄存器",
                FunctionCode::WriteSingleCoil => "写单个线圈",
                FunctionCode::WriteSingleRegister => "写单个寄存器",
                FunctionCode::WriteMultipleCoils => "写多个线圈",
                FunctionCode::WriteMultipleRegisters => "写多个寄存器",
                FunctionCode::Unknown(_) => "未知功能码",
            },
        };
        format!("{:02X} {name}", function.code())
    }

    /// "02 Illegal Data Address".
    pub fn exception_name(lang: Lang, code: ExceptionCode) -> String {
        let name = match lang {
            Lang::En => code.name(),
            Lang::Zh => match code {
                ExceptionCode::IllegalFunction => "非法功能码",
                ExceptionCode::IllegalDataAddress => "非法数据地址",
                ExceptionCode::IllegalDataValue => "非法数据值",
                ExceptionCode::ServerDeviceFailure => "从站设备故障",
                ExceptionCode::Acknowledge => "已确认，正在处理",
                ExceptionCode::ServerDeviceBusy => "从站设备忙",
                ExceptionCode::MemoryParityError => "存储奇偶校验错误",
                ExceptionCode::GatewayPathUnavailable => "网关路径不可用",
                ExceptionCode::GatewayTargetFailedToRespond => "网关目标设备未响应",
                ExceptionCode::Unknown(_) => "未知异常",
            },
        };
        format!("{:02X} {name}", code.code())
    }

    pub fn transaction_mismatch(lang: Lang, reply: u16, request: u16) -> String {
        match lang {
            Lang::En => format!(
                "This reply's transaction id is {reply}, not {request} (the last request's): it answers another request."
            ),
            Lang::Zh => format!(
                "此应答的事务标识是 {reply}，而不是最近请求的 {request}：它应答的是另一个请求。"
            ),
        }
    }

    pub fn frame_error(lang: Lang, error: &FrameError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, FrameError::TooShort { needed, got }) => {
                format!("{got} 个字节太短，Modbus 帧至少需要 {needed} 个字节")
            }
            (Lang::Zh, FrameError::ProtocolId(id)) => {
                format!("MBAP 协议标识是 {id}，不是 0：这不是 Modbus TCP")
            }
            (Lang::Zh, FrameError::Length { declared, got }) => {
                format!("MBAP 长度字段为 {declared} 个字节，实际收到 {got} 个")
            }
            (Lang::Zh, FrameError::Crc { received, computed }) => {
                format!("CRC 错误：帧中为 {received:04X}，按其字节计算应为 {computed:04X}")
            }
        }
    }

    pub fn pdu_error(lang: Lang, error: &PduError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, PduError::Empty) => "Modbus 报文为空".to_owned(),
            (
                Lang::Zh,
                PduError::Truncated {
                    function,
                    needed,
                    got,
                },
            ) => format!("功能码 {function:02X} 需要 {needed} 个数据字节，报文只有 {got} 个"),
            (Lang::Zh, PduError::ByteCount { declared, got }) => {
                format!("字节数字段为 {declared}，实际收到 {got} 个字节")
            }
            (Lang::Zh, PduError::CoilValue(value)) => {
                format!("线圈值应为 FF00 或 0000，而不是 {value:04X}")
            }
            (Lang::Zh, PduError::OddRegisterBytes(got)) => {
                format!("每个寄存器占 2 个字节，而收到 {got} 个字节")
            }
        }
    }

    pub fn build_error(lang: Lang, error: &ModbusBuildError) -> String {
        match (lang, error) {
            (Lang::En, ModbusBuildError::Values(e)) => e.to_string(),
            (Lang::En, ModbusBuildError::Request(e)) => e.to_string(),
            (Lang::En, ModbusBuildError::OneValue(n)) => {
                format!("this function writes one value, and {n} were typed")
            }
            (Lang::Zh, ModbusBuildError::Values(ValuesError::Empty)) => {
                "没有写入值：请输入一个或多个值，用空格或逗号分隔".to_owned()
            }
            (Lang::Zh, ModbusBuildError::Values(ValuesError::Register(word))) => {
                format!("“{word}” 不是寄存器值（0 至 65535，或 -32768 至 -1）")
            }
            (Lang::Zh, ModbusBuildError::Values(ValuesError::Coil(word))) => {
                format!("“{word}” 不是线圈值（1、0、on 或 off）")
            }
            (Lang::Zh, ModbusBuildError::Request(RequestError::Count { count, max })) => {
                format!("数量应为 1 至 {max}，而不是 {count}")
            }
            (Lang::Zh, ModbusBuildError::Request(RequestError::PastEnd)) => {
                "地址超出 65535".to_owned()
            }
            (Lang::Zh, ModbusBuildError::OneValue(n)) => {
                format!("此功能码只写一个值，而输入了 {n} 个")
            }
        }
    }

    pub fn number_error(lang: Lang, error: &NumberError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, NumberError::NotANumber(text)) => format!("“{text}” 不是数字"),
            (
                Lang::Zh,
                NumberError::OutOfRange {
                    value,
                    kind,
                    min,
                    max,
                },
            ) => format!("{value} 超出 {kind} 的范围（{min} 至 {max}）"),
            (
                Lang::Zh,
                NumberError::WrongLength {
                    kind,
                    expected,
                    got,
                },
            ) => format!("{kind} 需要 {expected} 个字节，而 HEX 有 {got} 个"),
            (Lang::Zh, NumberError::Hex(e)) => super::sentences::hex_error(lang, e),
        }
    }
}

// The layout (issue 12 defects 6, 11 and 13): the TCP server's compact
// send target.
texts! {
    LAYOUT_COMPACT_TARGETS: "Compact", "紧凑显示";
    LAYOUT_COMPACT_TARGETS_HINT: "Pick the send target in one line above the send box instead of the client table (always so in a narrow window)", "在发送框上方用一行选择发送对象，代替客户端列表（窗口较窄时总是如此）";
}

// A log row's bytes sent to the float conversion or the checksum
// calculator (issue 15), from the row's context menu.
texts! {
    ROWTOOL_TO_FLOAT: "Convert in float tool", "浮点转换";
    ROWTOOL_TO_CHECKSUM: "Checksum of these bytes", "校验计算";
    ROWTOOL_FIRST_BYTES_USED: "First bytes of the log row used:", "所用日志行开头字节：";
}

// Issue 14: the TLS and WebSocket sessions' fields, controls and
// sentences.
texts! {
    SEC_SERVER_NAME: "Server name (SNI)", "服务器名称 (SNI)";
    SEC_SERVER_NAME_HINT: "The name sent to the server and checked against its certificate; empty: the host above", "发送给服务器并与其证书核对的名称；留空则使用上面的主机";
    SEC_VERIFY: "Certificate check", "证书校验";
    SEC_VERIFY_SYSTEM: "System trust store", "系统信任的证书";
    SEC_VERIFY_CA_FILE: "CA file", "指定 CA 文件";
    SEC_VERIFY_INSECURE: "Ignore certificate errors", "忽略证书错误";
    SEC_CA_FILE: "CA file", "CA 文件";
    SEC_MIN_VERSION: "Minimum TLS version", "最低 TLS 版本";
    SEC_ALPN: "ALPN", "应用层协议 (ALPN)";
    SEC_ALPN_HINT: "Protocols offered, in order, separated by commas: h2, http/1.1; empty: none", "按顺序提供的协议，用逗号分隔：h2, http/1.1；留空则不提供";
    SEC_CLIENT_CERT: "Client certificate", "客户端证书";
    SEC_CLIENT_KEY: "Client key", "客户端私钥";
    SEC_CLIENT_CERT_HINT: "Optional: a PEM certificate and its key, shown when the server asks for one", "可选：PEM 格式的证书及其私钥，服务器要求时出示";
    SEC_IDENTITY: "Certificate", "服务器证书";
    SEC_IDENTITY_SELF_SIGNED: "Self-signed for names", "为以下名称自签名";
    SEC_IDENTITY_FILES: "PEM files", "PEM 文件";
    SEC_NAMES: "Names", "名称";
    SEC_NAMES_HINT: "Host names and addresses clients connect to, separated by commas; the certificate is made once and kept in the settings folder", "客户端连接时使用的主机名和地址，用逗号分隔；证书只生成一次，保存在设置文件夹中";
    SEC_CERT_FILE: "Certificate file", "证书文件";
    SEC_KEY_FILE: "Key file", "私钥文件";
    SEC_REQUEST_CLIENT_CERT: "Request client certificate", "要求客户端出示证书";
    SEC_REQUEST_CLIENT_CERT_HINT: "Ask each client for a certificate and log it. With a client CA file chosen below, a client must show one signed by that CA or is refused; without one, any certificate shown is accepted", "向每个客户端索取证书并记录在日志中。若在下方选择了客户端 CA 文件，客户端必须出示由该 CA 签发的证书，否则被拒绝；未选择时接受出示的任何证书";
    SEC_CLIENT_CA: "Client CA file", "客户端 CA 文件";
    SEC_FINGERPRINT: "SHA-256 fingerprint", "SHA-256 指纹";
    SEC_COPY: "Copy", "复制";
    SEC_COPIED: "Fingerprint copied", "指纹已复制";
    SEC_URL: "URL", "网址";
    SEC_URL_HINT: "ws://HOST:PORT/PATH, or wss:// for WebSocket over TLS", "ws://主机:端口/路径；wss:// 为基于 TLS 的 WebSocket";
    SEC_HEADERS: "Extra headers", "附加请求头";
    SEC_HEADERS_HINT: "One 'Name: value' a line, sent with the handshake", "每行一个“名称: 值”，随握手发送";
    SEC_SUBPROTOCOLS: "Subprotocols", "子协议";
    SEC_SUBPROTOCOLS_HINT: "Names separated by commas, in order of preference: chat, mqtt", "按优先顺序用逗号分隔的名称：chat, mqtt";
    SEC_PATH: "Path", "路径";
    SEC_PATH_HINT: "The path clients ask for; / accepts any path", "客户端请求的路径；/ 接受任何路径";
    SEC_WSS: "wss (TLS)", "wss (TLS 加密)";
    SEC_FILE_MESSAGE_BYTES: "File message size", "文件消息大小";
    SEC_FILE_MESSAGE_BYTES_HINT: "A file sent as data source goes as binary messages of this many bytes", "作为数据源发送的文件按此字节数分成二进制消息";
    SEC_PING: "Ping", "发送心跳";
    SEC_CLOSE_CODE: "Close code", "关闭码";
    SEC_CLOSE_REASON: "Close reason", "关闭原因";
    SEC_SEND_CLOSE: "Send close", "发送关闭";
    SEC_CLIENT_PATH: "Path", "路径";
    SEC_CLIENT_SUBPROTOCOL: "Subprotocol", "子协议";
    SEC_INSECURE_STATUS: "Not secure: certificate errors ignored", "不安全：已忽略证书错误";
    SEC_CHOOSE_FILE: "choose a file", "请选择文件";
    SEC_NO_SETTINGS_FOLDER: "This system has no settings folder to keep a self-signed certificate in: choose PEM files", "此系统没有可保存自签名证书的设置文件夹：请选择 PEM 文件";
}

/// The TLS and WebSocket fields' sentences in the window's language:
/// English is the rule's own `Display`, 简体中文 is worded from the same
/// typed fields.
pub mod sec_sentences {
    use super::Lang;
    use crate::describe::{cert_date, shown_addr};
    use crate::net::tls::{AlpnError, CertInfo, TlsEvent, TlsProblem, TlsSetupError};
    use crate::net::ws::{CloseCodeError, HeaderError, WsUrlError};
    use crate::rules::{NamesError, SubprotocolError};

    pub fn close_code_error(lang: Lang, error: &CloseCodeError) -> String {
        match lang {
            Lang::En => error.to_string(),
            Lang::Zh => format!(
                "关闭码 {} 不能发送：请使用 1000（正常关闭）、1001（离开）、1002、1003、1007–1011，或自定义的 3000–4999",
                error.0
            ),
        }
    }
    use crate::text::PeerText;

    pub fn alpn_error(lang: Lang, error: &AlpnError) -> String {
        match lang {
            Lang::En => error.to_string(),
            Lang::Zh => format!(
                "'{}' 不是 ALPN 协议名：请使用 h2 或 http/1.1 这样的名称，用逗号分隔",
                error.0
            ),
        }
    }

    pub fn header_error(lang: Lang, error: &HeaderError) -> String {
        match lang {
            Lang::En => error.to_string(),
            Lang::Zh => format!(
                "'{}' 不是请求头：每行写一个“名称: 值”，例如 'Authorization: Bearer abc'",
                error.0
            ),
        }
    }

    pub fn subprotocol_error(lang: Lang, error: &SubprotocolError) -> String {
        match lang {
            Lang::En => error.to_string(),
            Lang::Zh => format!(
                "'{}' 不是子协议名：请使用 chat 或 mqtt 这样的名称，用逗号分隔",
                error.0
            ),
        }
    }

    pub fn names_error(lang: Lang, error: &NamesError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, NamesError::Empty) => {
                "证书没有名称：请填写客户端连接时使用的主机名或地址，例如 localhost,127.0.0.1"
                    .to_owned()
            }
            (Lang::Zh, NamesError::Bad(name)) => format!(
                "'{name}' 不能作为证书名称：请使用 localhost 或 192.168.1.10 这样的主机名或 IP 地址，用逗号分隔"
            ),
        }
    }

    pub fn url_error(lang: Lang, error: &WsUrlError) -> String {
        match (lang, error) {
            (Lang::En, error) => error.to_string(),
            (Lang::Zh, WsUrlError::Empty) => {
                "网址为空：请使用 ws://主机:端口/路径，例如 ws://127.0.0.1:8080/chat".to_owned()
            }
            (Lang::Zh, WsUrlError::Scheme(url)) => format!(
                "'{url}' 不是以 ws:// 或 wss:// 开头：请使用 ws://主机:端口/路径，例如 ws://127.0.0.1:8080/chat"
            ),
            (Lang::Zh, WsUrlError::Host { url, source }) => format!(
                "'{url}' 的主机无效：{}",
                super::sentences::addr_error(lang, source)
            ),
            (Lang::Zh, WsUrlError::Fragment(url)) => {
                format!("'{url}' 带有片段 (#…)：WebSocket 网址不能带片段")
            }
        }
    }

    fn names_text(names: &[PeerText]) -> String {
        names
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn cert_zh(cert: &CertInfo) -> String {
        let mut text = format!("主体 {}，签发者 {}", cert.subject, cert.issuer);
        if !cert.names.is_empty() {
            text.push_str(&format!("，适用于 {}", names_text(&cert.names)));
        }
        text.push_str(&format!(
            "，有效期 {} 至 {}，SHA-256 {}",
            cert_date(cert.not_before),
            cert_date(cert.not_after),
            cert.sha256
        ));
        text
    }

    /// A TLS event's row (the CLI's `TLS` line in English).
    pub fn tls_event(lang: Lang, event: &TlsEvent) -> String {
        if lang == Lang::En {
            return event.to_string();
        }
        match event {
            TlsEvent::Established { peer, info } => {
                let mut text = format!(
                    "TLS {} 握手完成：{}，{}",
                    shown_addr(*peer),
                    info.version,
                    info.cipher_suite
                );
                match &info.alpn {
                    Some(alpn) => text.push_str(&format!("，ALPN {alpn}")),
                    None => text.push_str("，未协商 ALPN"),
                }
                if info.chain.is_empty() {
                    text.push_str("，对方未出示证书");
                }
                for (i, cert) in info.chain.iter().enumerate() {
                    text.push_str(&format!("；证书 {}：{}", i + 1, cert_zh(cert)));
                }
                text
            }
            TlsEvent::Insecure { peer } => format!(
                "TLS {} 警告 已忽略证书错误：不检查服务器的证书，连接可能被中间的任何人读取或篡改",
                shown_addr(*peer)
            ),
            TlsEvent::HandshakeFailed { peer, problem } => format!(
                "TLS {} 握手失败：{}",
                shown_addr(*peer),
                tls_problem(lang, problem)
            ),
            TlsEvent::ServerIdentity {
                fingerprint,
                names,
                generated,
                cert_path,
            } => {
                let source = if *generated {
                    "自签名，刚刚生成"
                } else {
                    "已载入"
                };
                let mut text = format!(
                    "TLS 证书适用于 {}（{source}），SHA-256 {fingerprint}",
                    names.join(", ")
                );
                if let Some(path) = cert_path {
                    text.push_str(&format!("，位于 {}", path.display()));
                }
                text
            }
        }
    }

    /// Why a TLS handshake failed.
    pub fn tls_problem(lang: Lang, problem: &TlsProblem) -> String {
        if lang == Lang::En {
            return problem.to_string();
        }
        match problem {
            TlsProblem::NameMismatch { wanted, presented } if presented.is_empty() => {
                format!("证书不适用于 {wanted}：请用证书适用的名称连接，或填写服务器名称")
            }
            TlsProblem::NameMismatch { wanted, presented } => format!(
                "证书适用于 {}，而不是 {wanted}：请用证书适用的名称连接，或填写服务器名称",
                names_text(presented)
            ),
            TlsProblem::Expired { not_after } => format!(
                "证书已于 {} 过期：服务器需要新证书（或本机时钟有误）",
                cert_date(*not_after)
            ),
            TlsProblem::NotYetValid {
                not_before: Some(not_before),
            } => format!("证书在 {} 之前无效：请检查本机时钟", cert_date(*not_before)),
            TlsProblem::NotYetValid { not_before: None } => {
                "证书尚未生效：请检查本机时钟".to_owned()
            }
            TlsProblem::UnknownIssuer => {
                "证书由未知的机构签发：请把该机构的证书选为 CA 文件，测试设备可选择忽略证书错误"
                    .to_owned()
            }
            TlsProblem::SelfSigned => {
                "证书是自签名的：把它选为 CA 文件即可信任，测试设备可选择忽略证书错误".to_owned()
            }
            TlsProblem::BadSignature => "证书的签名错误：证书已损坏或被伪造".to_owned(),
            TlsProblem::Revoked => "证书已被签发机构吊销".to_owned(),
            TlsProblem::NoCertificate => "对方未出示证书，而本服务器要求证书".to_owned(),
            TlsProblem::PeerRefusedCertificate { alert } => {
                format!("对方拒绝了我方的证书（{alert}）：它不信任该证书，或需要我方未出示的证书")
            }
            TlsProblem::NoCommonParameters { alert } => {
                format!("双方没有共同的 TLS 版本、密码套件或 ALPN 协议（{alert}）")
            }
            TlsProblem::HandshakeTimeout { after_ms } => format!(
                "对方未在 {} 秒内完成 TLS 握手",
                crate::net::seconds_text(std::time::Duration::from_millis(*after_ms))
            ),
            TlsProblem::PushedOut {
                handshaking,
                unshown,
            } => format!(
                "对方尚未完成 TLS 握手时已有 {handshaking} 个握手在进行（服务器最多同时保留这么多），新连接到来，最早的让位{}",
                super::unshown_since(*unshown)
            ),
            TlsProblem::NotTls => "对方不使用 TLS".to_owned(),
            TlsProblem::ClosedDuringHandshake => "对方在 TLS 握手期间关闭了连接".to_owned(),
            TlsProblem::Other(text) => text.clone(),
        }
    }

    /// Why a TLS session could not be set up (its files, its roots).
    pub fn tls_setup_error(lang: Lang, error: &TlsSetupError) -> String {
        if lang == Lang::En {
            return error.to_string();
        }
        match error {
            TlsSetupError::Read { path, reason } => {
                format!("无法读取 {}：{reason}", path.display())
            }
            TlsSetupError::NoCertificate { path } => {
                format!("{} 中没有 PEM 证书", path.display())
            }
            TlsSetupError::NoKey { path } => format!("{} 中没有 PEM 私钥", path.display()),
            TlsSetupError::BadPem { path, reason } => {
                format!("{} 不是有效的 PEM 文件：{reason}", path.display())
            }
            TlsSetupError::KeyMismatch { cert, key } => format!(
                "{} 中的私钥与 {} 中的证书不匹配",
                key.display(),
                cert.display()
            ),
            TlsSetupError::BadCertificate { path, reason } => {
                format!("{} 中的证书无法使用：{reason}", path.display())
            }
            TlsSetupError::Write { path, reason } => {
                format!("无法写入 {}：{reason}", path.display())
            }
            TlsSetupError::Generate { names, reason } => {
                format!("无法为 {names} 生成自签名证书：{reason}")
            }
            TlsSetupError::NoRoots => "没有可信的根证书：系统的和内置的都无法读取".to_owned(),
            TlsSetupError::BadServerName(name) => {
                format!("'{name}' 不是可用于核对证书的主机名或 IP 地址")
            }
            TlsSetupError::Other(text) => format!("无法建立 TLS：{text}"),
        }
    }
}

/// The Chinese for "N more since the last one shown" of a row shown a few
/// a second (pings, pongs, handshakes pushed out); nothing for none.
fn unshown_since(unshown: u64) -> String {
    if unshown > 0 {
        format!("；上次显示之后另有 {unshown} 个")
    } else {
        String::new()
    }
}
