//! The window around the tabs: its title and toolbar, tabs and profiles,
//! the dialogs and the in-window file picker, settings that could not be
//! loaded and flags that could not be applied.

texts! {
    APP_TITLE: "NetAssist — network assistant", "NetAssist 网络调试助手";
    LANGUAGE: "Language", "语言";
    DARK_MODE: "Dark", "深色";
    NEW_TAB: "New session tab", "新建会话标签";
    PROFILES: "Profiles", "配置";
    PROFILE_NAME: "Profile name", "配置名称";
    PROFILE_SAVE: "Save this tab", "保存当前标签";
    PROFILE_NONE: "No profiles saved yet", "尚无已保存的配置";
    PROFILE_LOAD: "Load into this tab", "载入到当前标签";
    PROFILE_BUSY: "Close the session first", "请先关闭会话";
    CLOSE_TAB: "Close this tab and its session", "关闭此标签及其会话";
    CANCEL: "Cancel", "取消";
    SETTINGS_UNREADABLE: "Some saved settings could not be read and are back at their defaults", "部分已保存的设置无法读取，已恢复为默认值";
    SETTINGS_BACKUP: "the saved file is kept as", "原文件已备份为";
    SETTINGS_NO_BACKUP: "the saved file could not be kept", "原文件无法备份";

    // Sentences next to the fields (issue 10: every string through here).
    CANNOT_OPEN: "cannot open", "无法打开";
    CANNOT_SAVE: "cannot save", "无法保存";

    // Hover hints (issue 10: every string through here).
    DARK_MODE_HINT: "Light or dark theme", "浅色或深色主题";

    // The tools drawer, the status bar and the window's flags in 简体中文
    // (issue 12, defect 4).
    FLAG_UNKNOWN_LANGUAGE: "unknown language", "无法识别的语言";
    FLAG_LANGUAGE_CHOICES: "use en or zh", "请使用 en 或 zh";
    SETTINGS_ALL_FIELDS: "all fields", "全部字段";
    SETTINGS_WHOLE_WINDOW: "the whole saved window", "整个已保存的窗口";
    SETTINGS_TAB: "tab", "标签";
    SETTINGS_PROFILE: "profile", "配置";
    SETTINGS_NO_FOLDER: "no folder for settings", "没有保存设置的文件夹";
    FLAG_IDLE_TIMEOUT: "is not a number of seconds above 0", "不是大于 0 的秒数";

    // The in-window file picker (issue 12, defect 10), shown when the system
    // shows no file dialog.
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
