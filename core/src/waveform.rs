//! Numbers carried by received data, for the waveform tool: text lines
//! ("1.5, 2, 3" or "a=1 b=2") and VOFA+ "JustFloat" frames (little-endian
//! float32 values followed by `00 00 80 7F`), parsed from a byte stream
//! whose frames may be split across reads; and a bounded store of the
//! samples, a ring per channel. Pure: no I/O, no clock.

use std::collections::VecDeque;

/// The most channels the store keeps; values of further channels are
/// counted, not kept.
pub const MAX_CHANNELS: usize = 16;
/// The most samples each channel keeps; the oldest go first. With
/// [`MAX_CHANNELS`] this bounds the store at 160,000 samples (24 bytes each, under 4 MiB).
pub const MAX_SAMPLES_PER_CHANNEL: usize = 10_000;
/// The longest text line read; a longer one is dropped (and counted) as
/// not a line of numbers.
pub const MAX_LINE_BYTES: usize = 4096;
/// What ends a JustFloat frame: the float32 +infinity, little-endian.
pub const JUSTFLOAT_TAIL: [u8; 4] = [0x00, 0x00, 0x80, 0x7F];
/// The longest JustFloat frame read: [`MAX_CHANNELS`] values and the tail.
/// Longer means the stream is out of step; the parser looks for the next
/// tail.
pub const MAX_FRAME_BYTES: usize = (MAX_CHANNELS + 1) * 4;

/// How numbers are carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WaveFormat {
    /// Lines of numbers separated by commas, spaces, tabs or semicolons,
    /// or `name=value` / `name:value` pairs.
    #[default]
    TextLines,
    /// VOFA+ JustFloat: little-endian float32 values, then `00 00 80 7F`.
    JustFloat,
}

/// One time point: a value for each channel it names.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub values: Vec<(ChannelKey, f64)>,
}

/// Which channel a value belongs to: by position in its line or frame
/// (shown as CH1, CH2, …) or by the name before `=`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChannelKey {
    Position(usize),
    Name(String),
}

impl ChannelKey {
    /// The channel's name as shown and exported. A name comes from the
    /// peer: its control characters are made visible, as all peer text is.
    pub fn label(&self) -> String {
        match self {
            ChannelKey::Position(index) => format!("CH{}", index + 1),
            ChannelKey::Name(name) => crate::text::visible_controls(name),
        }
    }
}

/// Cuts a byte stream into records. It keeps the start of a line or frame
/// that a read ended in the middle of, bounded by [`MAX_LINE_BYTES`] or
/// one frame.
///
/// A push costs time in proportion to its bytes, however many records it
/// holds: frames are taken by moving an offset, and what they used is
/// dropped from the front once per push. (Dropping it after every frame
/// moved the rest of the push each time: a 4 MB WebSocket message of
/// frames took a minute.) What a push yields does not depend on how the
/// stream was cut into pushes.
#[derive(Debug, Default)]
pub struct WaveParser {
    format: WaveFormat,
    /// Text: the start of the line being read. JustFloat: the bytes after
    /// the last frame taken, less than one frame once a push is done.
    pending: Vec<u8>,
    /// Text: the line being read grew past [`MAX_LINE_BYTES`], so the
    /// rest of it, up to its line break, is dropped. JustFloat: out of
    /// step, so the next tail is looked for at any offset.
    skipping: bool,
    /// Lines too long or frames out of step, skipped.
    skipped: u64,
}

impl WaveParser {
    pub fn new(format: WaveFormat) -> WaveParser {
        WaveParser {
            format,
            ..WaveParser::default()
        }
    }

    pub fn format(&self) -> WaveFormat {
        self.format
    }

    /// Lines too long or frames out of step skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// The bytes kept between pushes, the start of a line or frame: at
    /// most [`MAX_LINE_BYTES`], or less than [`MAX_FRAME_BYTES`].
    pub fn held_bytes(&self) -> usize {
        self.pending.len()
    }

    /// Forgets a partial line or frame (a new peer, a new format).
    pub fn reset(&mut self) {
        self.pending.clear();
        self.skipping = false;
    }

    /// Reads `bytes`, appending every record they complete to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Record>) {
        match self.format {
            WaveFormat::TextLines => self.push_lines(bytes, out),
            WaveFormat::JustFloat => self.push_frames(bytes, out),
        }
    }

    /// The end of a message (a UDP datagram): a text line without its line
    /// break ends here. A JustFloat frame may still go on in the next one.
    pub fn end_of_message(&mut self, out: &mut Vec<Record>) {
        if self.format == WaveFormat::TextLines {
            self.end_line(&[], out);
        }
    }

    fn push_lines(&mut self, bytes: &[u8], out: &mut Vec<Record>) {
        let mut rest = bytes;
        while let Some(end) = rest.iter().position(|b| matches!(b, b'\n' | b'\r')) {
            let (piece, after) = rest.split_at(end);
            self.end_line(piece, out);
            rest = &after[1..];
        }
        self.keep_line_start(rest);
    }

    /// A line ends: it is what was kept of it, then `piece`. A line longer
    /// than [`MAX_LINE_BYTES`] is skipped and counted once, however it was
    /// split.
    fn end_line(&mut self, piece: &[u8], out: &mut Vec<Record>) {
        if self.skipping {
            // Counted when it grew too long.
            self.skipping = false;
        } else if self.pending.len() + piece.len() > MAX_LINE_BYTES {
            self.skipped += 1;
            self.pending.clear();
        } else if self.pending.is_empty() {
            out.extend(parse_line(piece));
        } else {
            self.pending.extend_from_slice(piece);
            out.extend(parse_line(&self.pending));
            self.pending.clear();
        }
    }

    /// Keeps the start of a line whose break has not come yet; a line that
    /// grows past [`MAX_LINE_BYTES`] is counted and the rest of it dropped
    /// as it comes.
    fn keep_line_start(&mut self, piece: &[u8]) {
        if self.skipping {
            return;
        }
        if self.pending.len() + piece.len() > MAX_LINE_BYTES {
            self.skipped += 1;
            self.pending.clear();
            self.skipping = true;
            return;
        }
        self.pending.extend_from_slice(piece);
    }

    fn push_frames(&mut self, bytes: &[u8], out: &mut Vec<Record>) {
        if self.pending.is_empty() {
            // The usual case, a read that starts with a frame: its frames
            // are read where they are, and only the unfinished one at its
            // end is copied.
            let used = self.take_frames(bytes, out);
            self.pending.extend_from_slice(&bytes[used..]);
        } else {
            let mut stream = std::mem::take(&mut self.pending);
            stream.extend_from_slice(bytes);
            let used = self.take_frames(&stream, out);
            stream.drain(..used);
            self.pending = stream;
        }
    }

    /// Takes every whole frame from the front of `stream`; returns how
    /// many bytes it used (the rest is an unfinished frame, shorter than
    /// [`MAX_FRAME_BYTES`], or out of step the last three bytes, which
    /// may start a tail).
    fn take_frames(&mut self, stream: &[u8], out: &mut Vec<Record>) -> usize {
        let mut at = 0;
        loop {
            let rest = &stream[at..];
            if self.skipping {
                // Out of step (a lost byte, or not JustFloat): skip to just
                // after the next tail at any offset.
                match rest.windows(4).position(|w| w == JUSTFLOAT_TAIL) {
                    Some(tail) => {
                        at += tail + 4;
                        self.skipping = false;
                    }
                    None => return at + rest.len().saturating_sub(3),
                }
                continue;
            }
            let tail_at = (0..rest.len().min(MAX_FRAME_BYTES))
                .step_by(4)
                .find(|&i| rest.get(i..i + 4) == Some(&JUSTFLOAT_TAIL[..]));
            match tail_at {
                Some(end) => {
                    out.extend(frame_record(&rest[..end]));
                    at += end + 4;
                }
                None if rest.len() >= MAX_FRAME_BYTES => {
                    self.skipped += 1;
                    self.skipping = true;
                    // The frame that starts here is lost; the next tail
                    // may begin at the very next byte.
                    at += 1;
                }
                None => return at,
            }
        }
    }
}

/// The record of one JustFloat frame's values (the bytes before its tail,
/// a multiple of four): each value by its position; values that are not
/// finite are left out, and a frame without any gives no record.
fn frame_record(values: &[u8]) -> Option<Record> {
    let values: Vec<(ChannelKey, f64)> = values
        .chunks_exact(4)
        .enumerate()
        .map(|(i, b)| {
            let value = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            (ChannelKey::Position(i), f64::from(value))
        })
        .filter(|(_, value)| value.is_finite())
        .collect();
    (!values.is_empty()).then_some(Record { values })
}

/// The numbers of one text line: plain numbers by position, `name=value`
/// and `name:value` by name; words that are not numbers are passed over.
fn parse_line(line: &[u8]) -> Option<Record> {
    let text = String::from_utf8_lossy(line);
    let mut position = 0;
    let mut values = Vec::new();
    for token in text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
    {
        if let Some((name, value)) = token.split_once(['=', ':']) {
            if let Ok(value) = value.trim().parse::<f64>()
                && value.is_finite()
                && !name.is_empty()
            {
                values.push((ChannelKey::Name(name.to_owned()), value));
            }
        } else if let Ok(value) = token.parse::<f64>()
            && value.is_finite()
        {
            values.push((ChannelKey::Position(position), value));
            position += 1;
        }
    }
    (!values.is_empty()).then_some(Record { values })
}

/// One stored sample: its record's number (the x of the plot), when it
/// arrived, and the value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub index: u64,
    pub at_ms: i64,
    pub value: f64,
}

/// One channel's samples, the newest [`MAX_SAMPLES_PER_CHANNEL`].
#[derive(Clone, Debug)]
pub struct Channel {
    pub key: ChannelKey,
    pub samples: VecDeque<Sample>,
}

impl Channel {
    /// The points to draw for the samples whose index lies in `x_range`
    /// (all of them with `None`), at most about `2 * buckets`: when more
    /// samples fall in the range, each bucket of neighbours is drawn as
    /// its lowest and highest value, in the order they came, so a spike
    /// stays visible. The work is bounded by the store, and what is drawn
    /// by the plot's width, not by how much has been received.
    pub fn plot_points(&self, x_range: Option<(f64, f64)>, buckets: usize) -> Vec<[f64; 2]> {
        let (start, end) = match x_range {
            Some((low, high)) => {
                // One sample beyond each edge, so the line runs off the
                // plot instead of stopping short of it.
                let start = self.samples.partition_point(|s| (s.index as f64) < low);
                let end = self.samples.partition_point(|s| (s.index as f64) <= high);
                (start.saturating_sub(1), (end + 1).min(self.samples.len()))
            }
            None => (0, self.samples.len()),
        };
        let visible = self.samples.range(start..end);
        let count = end.saturating_sub(start);
        let buckets = buckets.max(1);
        if count <= 2 * buckets {
            return visible.map(|s| [s.index as f64, s.value]).collect();
        }
        let per_bucket = count.div_ceil(buckets);
        let mut points = Vec::with_capacity(2 * buckets);
        let mut bucket: Vec<&Sample> = Vec::with_capacity(per_bucket);
        let flush = |bucket: &mut Vec<&Sample>, points: &mut Vec<[f64; 2]>| {
            let low = bucket.iter().min_by(|a, b| a.value.total_cmp(&b.value));
            let high = bucket.iter().max_by(|a, b| a.value.total_cmp(&b.value));
            if let (Some(low), Some(high)) = (low, high) {
                let (first, second) = if low.index <= high.index {
                    (low, high)
                } else {
                    (high, low)
                };
                points.push([first.index as f64, first.value]);
                if second.index != first.index {
                    points.push([second.index as f64, second.value]);
                }
            }
            bucket.clear();
        };
        for sample in visible {
            bucket.push(sample);
            if bucket.len() == per_bucket {
                flush(&mut bucket, &mut points);
            }
        }
        flush(&mut bucket, &mut points);
        points
    }
}

/// The samples of every channel, bounded by [`MAX_CHANNELS`] and
/// [`MAX_SAMPLES_PER_CHANNEL`].
#[derive(Clone, Debug, Default)]
pub struct WaveStore {
    channels: Vec<Channel>,
    next_index: u64,
    /// Values of channels beyond [`MAX_CHANNELS`], not kept.
    values_without_room: u64,
}

impl WaveStore {
    /// Stores a record's values as one time point, received at `at_ms`.
    pub fn add(&mut self, record: &Record, at_ms: i64) {
        let index = self.next_index;
        self.next_index += 1;
        for (key, value) in &record.values {
            let position = match self.channels.iter().position(|c| &c.key == key) {
                Some(position) => position,
                None if self.channels.len() < MAX_CHANNELS => {
                    self.channels.push(Channel {
                        key: key.clone(),
                        // Its whole cap at once: grown by doubling, the
                        // ring would reach 16,384 slots for its 10,000
                        // samples, past the bound the constants promise.
                        samples: VecDeque::with_capacity(MAX_SAMPLES_PER_CHANNEL),
                    });
                    self.channels.len() - 1
                }
                None => {
                    self.values_without_room += 1;
                    continue;
                }
            };
            let samples = &mut self.channels[position].samples;
            if samples.len() == MAX_SAMPLES_PER_CHANNEL {
                samples.pop_front();
            }
            samples.push_back(Sample {
                index,
                at_ms,
                value: *value,
            });
        }
    }

    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }

    /// How many time points were stored since the last clear.
    pub fn records(&self) -> u64 {
        self.next_index
    }

    pub fn values_without_room(&self) -> u64 {
        self.values_without_room
    }

    pub fn clear(&mut self) {
        *self = WaveStore::default();
    }

    /// The samples as CSV, one row per sample:
    /// `sample,time_ms,channel,value`, oldest first in each channel.
    pub fn write_csv(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        writeln!(out, "sample,time_ms,channel,value")?;
        for channel in &self.channels {
            let label = csv_field(&channel.key.label());
            for sample in &channel.samples {
                writeln!(
                    out,
                    "{},{},{label},{}",
                    sample.index, sample.at_ms, sample.value
                )?;
            }
        }
        Ok(())
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(values: &[f64]) -> Record {
        Record {
            values: values
                .iter()
                .enumerate()
                .map(|(i, v)| (ChannelKey::Position(i), *v))
                .collect(),
        }
    }

    fn justfloat(values: &[f32]) -> Vec<u8> {
        let mut frame: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        frame.extend(JUSTFLOAT_TAIL);
        frame
    }

    #[test]
    fn a_channel_name_from_the_peer_shows_its_controls() {
        assert_eq!(
            ChannelKey::Name("t\u{1b}[2J\u{202e}x".to_owned()).label(),
            "t\\x1B[2J\\u{202E}x"
        );
    }

    #[test]
    fn text_lines_by_position_and_by_name() {
        let mut parser = WaveParser::new(WaveFormat::TextLines);
        let mut out = Vec::new();
        parser.push(b"1.5, 2, 3\r\na=1 b=-2.5\nT: 20 hello\n\n", &mut out);
        assert_eq!(
            out,
            vec![
                pos(&[1.5, 2.0, 3.0]),
                Record {
                    values: vec![
                        (ChannelKey::Name("a".into()), 1.0),
                        (ChannelKey::Name("b".into()), -2.5)
                    ]
                },
                pos(&[20.0]),
            ]
        );
    }

    #[test]
    fn text_lines_split_across_reads_and_ended_by_a_datagram() {
        let mut parser = WaveParser::new(WaveFormat::TextLines);
        let mut out = Vec::new();
        parser.push(b"1.2", &mut out);
        parser.push(b"5,4", &mut out);
        assert!(out.is_empty());
        parser.push(b"\n7", &mut out);
        assert_eq!(out, vec![pos(&[1.25, 4.0])]);
        parser.end_of_message(&mut out);
        assert_eq!(out, vec![pos(&[1.25, 4.0]), pos(&[7.0])]);
    }

    #[test]
    fn a_line_too_long_is_skipped_and_counted() {
        let mut parser = WaveParser::new(WaveFormat::TextLines);
        let mut out = Vec::new();
        parser.push(&vec![b'1'; MAX_LINE_BYTES + 1], &mut out);
        parser.push(b"\n3\n", &mut out);
        assert_eq!(out, vec![pos(&[3.0])]);
        assert_eq!(parser.skipped(), 1);
    }

    #[test]
    fn justfloat_frames_split_anywhere() {
        let mut stream = justfloat(&[1.0, -2.5]);
        stream.extend(justfloat(&[3.25, 4.0]));
        // Every split point, including inside the tail.
        for cut in 0..=stream.len() {
            let mut parser = WaveParser::new(WaveFormat::JustFloat);
            let mut out = Vec::new();
            parser.push(&stream[..cut], &mut out);
            parser.end_of_message(&mut out);
            parser.push(&stream[cut..], &mut out);
            assert_eq!(out, vec![pos(&[1.0, -2.5]), pos(&[3.25, 4.0])], "cut {cut}");
        }
    }

    #[test]
    fn justfloat_out_of_step_finds_the_next_frame() {
        let mut parser = WaveParser::new(WaveFormat::JustFloat);
        let mut out = Vec::new();
        // A stray byte, then garbage longer than a frame, then frames.
        let mut stream = vec![0x55; MAX_FRAME_BYTES + 5];
        stream.extend(JUSTFLOAT_TAIL);
        stream.extend(justfloat(&[7.0]));
        parser.push(&stream, &mut out);
        assert_eq!(out, vec![pos(&[7.0])]);
        assert_eq!(parser.skipped(), 1);
    }

    /// Every record the parser makes of `pieces` pushed one after the
    /// other (each ended as a message when `datagrams`), and how many it
    /// skipped.
    fn parse_pieces(format: WaveFormat, pieces: &[&[u8]], datagrams: bool) -> (Vec<Record>, u64) {
        let mut parser = WaveParser::new(format);
        let mut out = Vec::new();
        for piece in pieces {
            parser.push(piece, &mut out);
            if datagrams {
                parser.end_of_message(&mut out);
            }
        }
        (out, parser.skipped())
    }

    #[test]
    fn justfloat_out_of_step_recovers_the_same_however_the_stream_is_split() {
        // Garbage longer than a frame, a tail at an odd offset, frames;
        // then a lost byte in the middle of a frame, then frames again.
        let mut stream = vec![0x55; MAX_FRAME_BYTES + 5];
        stream.extend(JUSTFLOAT_TAIL);
        stream.extend(justfloat(&[7.0, 8.0]));
        let mut damaged = justfloat(&[1.0; MAX_CHANNELS]);
        damaged.remove(3);
        stream.extend(damaged);
        stream.extend(justfloat(&[9.0]));
        stream.extend(justfloat(&[10.0, 11.0]));
        let whole = parse_pieces(WaveFormat::JustFloat, &[&stream], false);
        assert_eq!(whole.0.first(), Some(&pos(&[7.0, 8.0])));
        assert_eq!(whole.0.last(), Some(&pos(&[10.0, 11.0])));
        assert_eq!(whole.1, 2, "two places out of step");
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(parse_pieces(WaveFormat::JustFloat, &bytes, false), whole);
        for size in [2, 3, 5, 7, 68, 69] {
            let pieces: Vec<&[u8]> = stream.chunks(size).collect();
            assert_eq!(
                parse_pieces(WaveFormat::JustFloat, &pieces, false),
                whole,
                "pieces of {size}"
            );
        }
    }

    #[test]
    fn justfloat_keeps_less_than_a_frame_after_a_push() {
        let mut parser = WaveParser::new(WaveFormat::JustFloat);
        let mut out = Vec::new();
        let mut stream = justfloat(&[1.0, 2.0]).repeat(1000);
        stream.extend(&justfloat(&[3.0])[..3]);
        parser.push(&stream, &mut out);
        assert_eq!(out.len(), 1000);
        assert_eq!(parser.pending.len(), 3);
        // Out of step with no tail in sight, only what may start one.
        parser.push(&[0x11; 5000], &mut out);
        assert!(parser.pending.len() <= 3, "{}", parser.pending.len());
    }

    /// A push costs time in proportion to its bytes: 4 MB of frames in
    /// one push took a minute when each frame moved the rest of the push
    /// to the front; now well under a second, even unoptimised.
    #[test]
    fn a_4_mb_push_of_frames_parses_in_linear_time() {
        let frame = justfloat(&[1.0, 2.0, 3.0, 4.0]);
        let stream = frame.repeat(4_000_000 / frame.len());
        let mut parser = WaveParser::new(WaveFormat::JustFloat);
        let mut out = Vec::new();
        let started = std::time::Instant::now();
        parser.push(&stream, &mut out);
        let took = started.elapsed();
        assert_eq!(out.len(), stream.len() / frame.len());
        assert!(took < std::time::Duration::from_secs(10), "{took:?}");
    }

    #[test]
    fn a_long_line_is_skipped_once_however_it_is_split() {
        let long = vec![b'1'; MAX_LINE_BYTES + 10];
        let mut stream = b"1,2\n".to_vec();
        stream.extend(&long);
        stream.extend(b"\n3\n");
        // A line of exactly the limit is still read.
        let mut longest = vec![b' '; MAX_LINE_BYTES - 1];
        longest.push(b'4');
        stream.extend(&longest);
        stream.extend(b"\n");
        let expected = (vec![pos(&[1.0, 2.0]), pos(&[3.0]), pos(&[4.0])], 1);
        assert_eq!(
            parse_pieces(WaveFormat::TextLines, &[&stream], false),
            expected
        );
        for size in [1, 7, 100, MAX_LINE_BYTES - 1, MAX_LINE_BYTES, 5000] {
            let pieces: Vec<&[u8]> = stream.chunks(size).collect();
            assert_eq!(
                parse_pieces(WaveFormat::TextLines, &pieces, false),
                expected,
                "pieces of {size}"
            );
        }
        // The end of a long line's tail is not read as a line of its own.
        let (records, skipped) =
            parse_pieces(WaveFormat::TextLines, &[&long, b"99", b"\n5\n"], false);
        assert_eq!((records, skipped), (vec![pos(&[5.0])], 1));
        // A datagram ends a long line too: the next one starts afresh.
        let (records, skipped) = parse_pieces(WaveFormat::TextLines, &[&long, b"6"], true);
        assert_eq!((records, skipped), (vec![pos(&[6.0])], 1));
    }

    #[test]
    fn the_store_is_bounded_per_channel_and_in_channels() {
        let mut store = WaveStore::default();
        for i in 0..MAX_SAMPLES_PER_CHANNEL + 10 {
            store.add(&pos(&[i as f64]), 0);
        }
        let samples = &store.channels()[0].samples;
        assert_eq!(samples.len(), MAX_SAMPLES_PER_CHANNEL);
        assert_eq!(samples.front().map(|s| s.value), Some(10.0));
        let wide = pos(&[1.0; MAX_CHANNELS + 3]);
        store.add(&wide, 0);
        assert_eq!(store.channels().len(), MAX_CHANNELS);
        assert_eq!(store.values_without_room(), 3);
    }

    #[test]
    fn plot_points_are_bounded_and_keep_the_extremes() {
        let mut store = WaveStore::default();
        for i in 0..10_000 {
            let value = if i == 4321 { 99.0 } else { (i % 7) as f64 };
            store.add(&pos(&[value]), 0);
        }
        let channel = &store.channels()[0];
        let all = channel.plot_points(None, 500);
        assert!(all.len() <= 1000, "{}", all.len());
        assert!(all.contains(&[4321.0, 99.0]), "the spike is drawn");
        assert!(all.windows(2).all(|w| w[0][0] < w[1][0]), "in order");
        // Zoomed in, every sample in view (and one beyond each edge).
        let zoomed = channel.plot_points(Some((100.0, 110.0)), 500);
        assert_eq!(zoomed.first(), Some(&[99.0, (99 % 7) as f64]));
        assert_eq!(zoomed.len(), 13);
        let few = WaveStore::default();
        assert!(few.channels().is_empty());
    }

    #[test]
    fn csv_has_one_row_per_sample() {
        let mut store = WaveStore::default();
        store.add(&pos(&[1.5, 2.0]), 1000);
        store.add(
            &Record {
                values: vec![(ChannelKey::Name("a,b".into()), 3.0)],
            },
            1001,
        );
        let mut csv = Vec::new();
        store.write_csv(&mut csv).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "sample,time_ms,channel,value\n0,1000,CH1,1.5\n0,1000,CH2,2\n1,1001,\"a,b\",3\n"
        );
    }
}
