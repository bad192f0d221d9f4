//! TLS and WebSocket (issue 14): the sessions' fields, controls and the
//! sentences said next to them, and their columns in the clients table.

texts! {
    // Issue 14: the TLS and WebSocket sessions' fields, controls and
    // sentences.
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
    SEC_REFUSED_CERT: "The server's certificate was refused:", "服务器的证书被拒绝：";
    SEC_TRUST_REFUSED: "Trust this certificate in this tab and connect", "在本标签中信任此证书并连接";
    SEC_TRUST_REFUSED_HINT: "Only for a device you know: its SHA-256 is trusted for this tab's connections, whatever its chain, names or dates, and is not saved", "仅用于您了解的设备：本标签的连接信任此 SHA-256 的证书，不论其证书链、名称或日期；不会保存";
    SEC_NO_SETTINGS_FOLDER: "This system has no settings folder to keep a self-signed certificate in: choose PEM files", "此系统没有可保存自签名证书的设置文件夹：请选择 PEM 文件";
}
