//! The TFTP wire, options and netascii from the app's own files; `Mode`
//! is repeated here (the app's derives serde, which this crate needs not).

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Octet,
    Netascii,
}

#[path = "../../../src/tftp/netascii.rs"]
pub mod netascii;
#[path = "../../../src/tftp/options.rs"]
pub mod options;
#[path = "../../../src/tftp/wire.rs"]
pub mod wire;
