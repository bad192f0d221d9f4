//! The TLS and WebSocket fields' sentences in the window's language:
//! English is the rule's own `Display`, 简体中文 is worded from the same
//! typed fields.

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

/// One certificate as a line, in the window's language.
pub fn cert_line(lang: Lang, cert: &CertInfo) -> String {
    match lang {
        Lang::En => cert.to_string(),
        Lang::Zh => cert_zh(cert),
    }
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
        TlsEvent::Presented { peer, index, cert } => format!(
            "TLS {} 出示的证书 {index}：{}",
            shown_addr(*peer),
            cert_zh(cert)
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
        TlsProblem::NotYetValid { not_before: None } => "证书尚未生效：请检查本机时钟".to_owned(),
        TlsProblem::UnknownIssuer => {
            "证书由未知的机构签发：请把该机构的证书选为 CA 文件，测试设备可选择忽略证书错误"
                .to_owned()
        }
        TlsProblem::SelfSigned => {
            "证书是自签名的：把它选为 CA 文件即可信任，测试设备可选择忽略证书错误".to_owned()
        }
        TlsProblem::BadSignature => "证书的签名错误：证书已损坏或被伪造".to_owned(),
        TlsProblem::Revoked => "证书已被签发机构吊销".to_owned(),
        TlsProblem::CaAsServerCertificate => "服务器的证书是 CA 证书（CA:TRUE，openssl req -x509 默认如此），客户端不接受把它当作服务器自己的证书，选为 CA 文件也不行：请给设备换一张 CA:FALSE 的证书，测试设备可勾选忽略证书错误".to_owned(),
        TlsProblem::ChainTooLong => {
            "证书链超过客户端能追溯的长度：请让服务器发送更短的证书链，测试设备可勾选忽略证书错误"
                .to_owned()
        }
        TlsProblem::UnsupportedAlgorithm => "证书的签名算法或密钥类型本客户端不支持：请给服务器换一张 RSA 或 ECDSA 证书，测试设备可勾选忽略证书错误".to_owned(),
        TlsProblem::BadEncoding => "证书已损坏或不是证书（不是有效的 DER）".to_owned(),
        TlsProblem::WrongPurpose => {
            "证书的用途不是 TLS 服务器（扩展密钥用法不符）：测试设备可勾选忽略证书错误".to_owned()
        }
        TlsProblem::CertificateRefused { name } => {
            format!("证书被拒绝（{name}）：请选择设备的 CA 文件，测试设备可勾选忽略证书错误")
        }
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
        TlsSetupError::PlantedLink { path } => format!(
            "{} 是指向另一个文件的链接：证书和私钥只写为独立的文件；请删除该链接后重新打开",
            path.display()
        ),
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
