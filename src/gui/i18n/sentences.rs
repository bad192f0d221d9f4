//! Event rows and error sentences in the window's language. English is the
//! engine's own wording (`Description`'s and the errors' `Display`, the
//! lines the CLI prints); 简体中文 is worded here from the same typed
//! fields, so every word is Chinese except addresses, numbers, units,
//! protocol names, HEX, file names and text from a peer or the system.

use std::time::Duration;

use super::Lang;
use crate::describe::{Description, rate_text, shown_addr};
use crate::gui::tools::{AutoReplySettingError, FramingSettingError, RefusedRule};
use crate::log::LogPeer;
use crate::net::GroupError;
use crate::net::autoreply::RuleError;
use crate::net::{AddrError, CloseReason, ReplyHeld, SessionError, TftpRequest, seconds_text};
use crate::text::{EncodeError, Encoding, EscapeError, FramingSpecError, HexError, UnknownChoice};
use crate::tftp::name::NameError;
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
            answered,
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
            if let Some(answer) = answered {
                text.push_str(&format!("（对方不应发送此关闭码，已以 {answer} 应答）"));
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
        ) => format!("来自 {peer} 的 {skipped} 条消息未应答：每个对端每秒最多应答 {per_second} 条"),
        (Lang::Zh, ReplyHeld::TooManyPeers { skipped, max_peers }) => {
            format!("{skipped} 条消息未应答：一秒内发来消息的对端超过 {max_peers} 个")
        }
    }
}

/// How a port's holder is named in a sentence: the tab, by its number
/// and title as the tab bar shows it.
pub fn tab_holder(lang: Lang, title: &str) -> String {
    match lang {
        Lang::En => format!("tab {title}"),
        Lang::Zh => format!("标签 {title}"),
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
        SessionError::AddrInUseBy { addr, holder } => {
            format!("{addr} 已被本窗口的{holder}占用：请先在那里停止，或换一个端口")
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
        SessionError::MulticastFamily { group, local, hint } => {
            format!("{group} 与本地地址 {local} 的 IP 版本不同：请绑定到 {hint} 以使用该组播地址")
        }
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
        SessionError::TftpName { reason } => tftp_name_error(lang, reason),
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
        TransferFailure::YieldedToNewRequest => {
            "服务器已满且有新请求到来时对方仍未应答：让出了位置".to_owned()
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
        TransferFailure::StoreExists => "期间出现了同名文件：已保留该文件，上传已丢弃".to_owned(),
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
        AddrError::BadHost(text) => {
            format!("'{text}' 不是有效的主机：请使用 192.168.1.8 或 ::1 这样的 IP 地址，或主机名")
        }
        AddrError::NotAnIp(text) => format!(
            "'{text}' 不是本地 IP 地址：请使用 0.0.0.0 (所有 IPv4)、:: (所有 IPv6 和 IPv4)、127.0.0.1 或本机的某个地址"
        ),
        AddrError::Unresolved { host, reason } => {
            format!("找不到 '{host}' 的地址：{reason}")
        }
    }
}

/// Why the send box's HEX was refused.
/// Why HEX that is unticked stays HEX: its bytes are not text in the send
/// encoding, and escapes (which write any byte) are off.
pub fn bytes_not_text(lang: Lang, encoding: Encoding) -> String {
    let name = encoding.display_name();
    match lang {
        Lang::En => format!(
            "These bytes are not {name} text, so they stay HEX: tick escapes to write any byte as \\xHH"
        ),
        Lang::Zh => {
            format!(
                "这些字节不是 {name} 文本，因此保持十六进制：勾选转义符指令解析即可把任意字节写成 \\xHH"
            )
        }
    }
}

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
        (Lang::Zh, EscapeError::Trailing) => "文本以单独的 '\\' 结尾：反斜杠请写作 \\\\".to_owned(),
        (Lang::Zh, EscapeError::Encode(error)) => encode_error(lang, error),
    }
}

/// Why a TFTP file name cannot be read from the wire or sent in the
/// session's 字符集 (`tftp::name`).
pub fn tftp_name_error(lang: Lang, error: &NameError) -> String {
    match (lang, error) {
        (Lang::En, error) => error.to_string(),
        (Lang::Zh, NameError::NotText { encoding }) => {
            match crate::tftp::name::names_encoding(*encoding) {
                Encoding::Utf8 => "文件名不是 UTF-8 文本".to_owned(),
                other => format!("文件名既不是 UTF-8 也不是 {} 文本", other.label()),
            }
        }
        (Lang::Zh, NameError::NotEncodable(error)) => {
            format!("无法发送文件名：{}", encode_error(lang, error))
        }
        (Lang::Zh, NameError::Nul) => "文件名含有 NUL 字符，TFTP 无法发送".to_owned(),
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
            format!("'{pattern}' 不是有效的正则表达式：请检查括号、方括号和反斜杠是否成对、完整")
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
