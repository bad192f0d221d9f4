//! Windows only: puts the icon (`resources/netassist.ico`) and the version
//! information (from Cargo.toml) into `netassist.exe` and
//! `netassist-cli.exe`, so that Explorer, the taskbar and the file's
//! Properties show them. The resource script is compiled by MinGW's
//! `windres` (`x86_64-w64-mingw32-windres` when cross-building, or the one
//! the `WINDRES` variable names) into an object linked into the exes. No
//! crate is needed for that one call. Where no windres is found (a build
//! with MSVC's tools, say) the exes are built without icon and version, and
//! cargo shows a warning.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=resources/netassist.ico");
    println!("cargo:rerun-if-env-changed=WINDRES");
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    if let Err(problem) = embed_windows_resources() {
        println!("cargo:warning=the exe gets no icon or version information: {problem}");
    }
}

fn embed_windows_resources() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let version = env::var("CARGO_PKG_VERSION").map_err(|e| e.to_string())?;
    let number = |name: &str| env::var(name).unwrap_or_else(|_| "0".to_owned());
    let numeric = format!(
        "{},{},{},0",
        number("CARGO_PKG_VERSION_MAJOR"),
        number("CARGO_PKG_VERSION_MINOR"),
        number("CARGO_PKG_VERSION_PATCH")
    );
    // windres reads "\" in a quoted string as an escape.
    let icon = manifest_dir
        .join("resources")
        .join("netassist.ico")
        .display()
        .to_string()
        .replace('\\', "/");
    let script = format!(
        r#"1 ICON "{icon}"
1 VERSIONINFO
FILEVERSION {numeric}
PRODUCTVERSION {numeric}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "NetAssist"
      VALUE "FileDescription", "NetAssist network assistant (UDP, TCP, TFTP)"
      VALUE "FileVersion", "{version}"
      VALUE "ProductName", "NetAssist"
      VALUE "ProductVersion", "{version}"
      VALUE "LegalCopyright", "MIT OR Apache-2.0"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#
    );
    let script_path = out_dir.join("netassist.rc");
    std::fs::write(&script_path, script).map_err(|e| e.to_string())?;
    let object = out_dir.join("netassist-resources.o");
    let windres = env::var("WINDRES").unwrap_or_else(|_| {
        if env::var("HOST").ok() == env::var("TARGET").ok() {
            "windres".to_owned()
        } else {
            "x86_64-w64-mingw32-windres".to_owned()
        }
    });
    let status = Command::new(&windres)
        .arg("--input")
        .arg(&script_path)
        .arg("--output-format=coff")
        .arg("--output")
        .arg(&object)
        .status()
        .map_err(|e| format!("{windres} could not be started ({e})"))?;
    if !status.success() {
        return Err(format!("{windres} failed ({status})"));
    }
    println!("cargo:rustc-link-arg-bins={}", object.display());
    Ok(())
}
