//! The wall clock every time stamp comes from: received and sent data,
//! connection events and log entries. Its own module so that sessions
//! (`net`) and the traffic log (`log`) share it without the one importing
//! the other.

/// Milliseconds since the Unix epoch, the time stamp every event and log
/// entry carries.
pub fn now_ms() -> i64 {
    // Straight from the system clock: it is read for every datagram, and
    // chrono's Utc::now goes through a calendar date to get the same.
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Microseconds since the Unix epoch: when received data was read, the
/// stamp its rows keep (a recording needs finer than milliseconds).
pub fn now_us() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_micros()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_micros()).unwrap_or(i64::MAX),
    }
}

/// The millisecond of a microsecond stamp (what the log shows).
pub fn us_to_ms(at_us: i64) -> i64 {
    at_us.div_euclid(1000)
}
