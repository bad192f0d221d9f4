//! TFTP: the server's folder and limits, the client's transfer fields, the
//! sentences said next to them, and the transfers table.

texts! {
    TFTP_ROOT: "Folder", "目录";
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

    // Sentences next to the fields (issue 10: every string through here).
    CHOOSE_FOLDER: "choose a folder", "请选择文件夹";
    NOT_A_FOLDER: "is not a folder", "不是文件夹";
    FOLDER_NOT_WRITABLE: "cannot be written: choose a folder you may write to", "无法写入：请选择有写入权限的文件夹";
    NOT_A_FILE: "is not a file", "不是文件";
    ENTER_REMOTE_FILE: "enter the name of the remote file", "请输入远程文件名";

    // Hover hints (issue 10: every string through here).
    TFTP_ROOT_HINT: "Files are served from, and uploads saved to, this folder", "提供下载和保存上传的目录";
    TFTP_ALLOW_WRITE_HINT: "Receive files into the folder (WRQ)", "接收上传到目录";
    TFTP_OVERWRITE_HINT: "Let an upload replace a file that exists", "允许上传覆盖已有文件";
    TFTP_PER_ADDRESS_HINT: "Further requests from that address (IPv6: its /64) are refused while others are served", "超出后该地址（IPv6 按 /64）的请求被拒绝，其他地址照常服务";
    TFTP_LOCAL_DIR_HINT: "Folder for downloads", "下载保存的目录";
    TFTP_LOCAL_FILE_HINT: "File to upload", "要上传的文件";
    TFTP_NAMES_ENCODING_HINT: "File names that are not UTF-8 are read and sent in this encoding (TFTP tools on Chinese Windows, such as tftp.exe and Tftpd32, use GBK)", "非 UTF-8 的文件名按此编码读取和发送（中文系统上的 TFTP 工具多用 GBK）";
}
