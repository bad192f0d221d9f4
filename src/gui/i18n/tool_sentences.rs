//! The tools' sentences (issue 15) in the window's language; English is
//! the engine's `Display` (and the Modbus spec's names).

use super::Lang;
use crate::gui::tools::modbus_tool::ModbusBuildError;
use crate::modbus::{ExceptionCode, FrameError, FunctionCode, PduError, RequestError, ValuesError};
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
        (Lang::Zh, ModbusBuildError::Request(RequestError::PastEnd)) => "地址超出 65535".to_owned(),
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
