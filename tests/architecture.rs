//! The structure the compiler does not check by itself (issue 10): no
//! source file imports one that imports it back, directly or around a
//! loop, and the engine crate pulls in no GUI toolkit.
//!
//! The import checker reads every `.rs` file of `engine/src` and `src`,
//! follows the `mod` declarations from each crate root, and draws an edge
//! from a file to the file that *defines* each name the file uses: through
//! `use crate::…`, `use super::…`, `use self::…`, grouped imports, globs and
//! inline paths such as `crate::net::Event`. Re-exports (`pub use`) are
//! followed to the defining file, so a facade that only re-exports closes
//! no loop; a `mod x;` declaration is not an edge; items under
//! `#[cfg(test)]` and `tests.rs` files are left out, because unit tests may
//! reach into anything. It is a reader of Rust text, not a compiler: it
//! knows the module rules this repository uses (no `#[path]`, no macros
//! that define modules), and its own tests below pin what it resolves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The file sets the checker reads: each crate's root file and the name
/// other crates import it by.
const CRATES: [(&str, &str); 4] = [
    ("netassist_engine", "engine/src/lib.rs"),
    ("netassist", "src/lib.rs"),
    ("netassist_main", "src/main.rs"),
    ("netassist_cli_main", "src/bin/netassist-cli.rs"),
];

/// The source folders every crate root above lives in.
const SOURCE_DIRS: [&str; 2] = ["engine/src", "src"];

/// Packages a GUI toolkit brings; none may be in the engine's closure.
const GUI_PACKAGES: [&str; 6] = ["egui", "eframe", "rfd", "winit", "glow", "wgpu"];

#[test]
fn no_file_imports_one_that_imports_it_back() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeMap::new();
    for dir in SOURCE_DIRS {
        read_rust_files(&root, &root.join(dir), &mut files);
    }
    let graph = imports::Graph::build(&files, &CRATES);
    let unread = graph.files_outside_every_crate(&files);
    assert!(
        unread.is_empty(),
        "these files are in no module tree the checker followed, so their \
         imports were not checked:\n{}",
        unread.join("\n")
    );
    let cycles = graph.cycles();
    let tangles: Vec<String> = graph
        .tangles()
        .iter()
        .map(|files| format!("- {}", files.join(", ")))
        .collect();
    assert!(
        cycles.is_empty(),
        "files that import each other around loops:\n{}\n\n{} import cycle(s) between \
         files (each arrow names what is imported):\n\n{}",
        tangles.join("\n"),
        cycles.len(),
        cycles.join("\n")
    );
}

/// The files a session's workers and front ends share (issue 10): below
/// every worker and the runtime that starts them.
const SESSION_LEAVES: [&str; 4] = [
    "engine/src/net/command.rs",
    "engine/src/net/event.rs",
    "engine/src/net/config.rs",
    "engine/src/net/outbox.rs",
];

/// The protocol workers, and the runtime above them: a file, or a folder
/// (ending in `/`) that stands for every file in it.
const WORKERS_AND_RUNTIME: [&str; 6] = [
    "engine/src/net/udp/",
    "engine/src/net/tcp_client/",
    "engine/src/net/tcp_server/",
    "engine/src/tftp/server/",
    "engine/src/tftp/client/",
    "engine/src/net/session.rs",
];

/// Whether `file` is the worker file `worker`, or in the worker folder.
fn is_part_of(file: &str, worker: &str) -> bool {
    if worker.ends_with('/') {
        file.starts_with(worker)
    } else {
        file == worker
    }
}

#[test]
fn the_shared_session_types_reach_no_worker() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeMap::new();
    read_rust_files(&root, &root.join("engine/src"), &mut files);
    let graph = imports::Graph::build(&files, &CRATES[..1]);
    for worker in WORKERS_AND_RUNTIME {
        assert!(
            files.keys().any(|file| is_part_of(file, worker)),
            "{worker} is gone: update this test"
        );
    }
    for leaf in SESSION_LEAVES {
        assert!(files.contains_key(leaf), "{leaf} is gone: update this test");
        let reached = graph.reachable_from(leaf);
        let workers: Vec<&str> = WORKERS_AND_RUNTIME
            .into_iter()
            .filter(|worker| reached.iter().any(|file| is_part_of(file, worker)))
            .collect();
        assert!(
            workers.is_empty(),
            "{leaf} is shared by the workers, but imports (directly or not) {workers:?}"
        );
    }
}

#[test]
fn the_engine_crate_depends_on_no_gui_toolkit() {
    let lock_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", lock_path.display()));
    let closure = lock::dependency_closure(&lock, "netassist-engine");
    assert!(
        closure.contains("crossbeam-channel"),
        "the engine's closure read from Cargo.lock looks wrong: {closure:?}"
    );
    let gui: Vec<&String> = closure
        .iter()
        .filter(|name| lock::is_gui_package(name))
        .collect();
    assert!(
        gui.is_empty(),
        "the engine crate (netassist-engine) depends on GUI packages: {gui:?}"
    );
}

/// Reads every `.rs` file under `dir` into `files`, keyed by its path
/// relative to `root` with `/` separators (the form the checker reports).
fn read_rust_files(root: &Path, dir: &Path, files: &mut BTreeMap<String, String>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .path();
        if path.is_dir() {
            read_rust_files(root, &path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let key = relative
                .components()
                .map(|part| part.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(key, text);
        }
    }
}

mod lexer {
    /// The tokens the import checker needs; literals and comments are
    /// dropped so that no word inside them is taken for a path.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Token {
        Ident(String),
        /// `::`
        PathSep,
        Punct(char),
    }

    fn is_ident_start(c: char) -> bool {
        c.is_alphabetic() || c == '_'
    }

    fn is_ident_char(c: char) -> bool {
        c.is_alphanumeric() || c == '_'
    }

    pub fn tokens(source: &str) -> Vec<Token> {
        let chars: Vec<char> = source.chars().collect();
        let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c == '/' && at(i + 1) == '/' {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && at(i + 1) == '*' {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            } else if let Some(end) = raw_string_end(&chars, i) {
                i = end;
            } else if c == '"' || (matches!(c, 'b' | 'c') && at(i + 1) == '"') {
                i += if c == '"' { 1 } else { 2 };
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                i += 1;
            } else if c == '\'' || (c == 'b' && at(i + 1) == '\'') {
                i += if c == '\'' { 1 } else { 2 };
                if at(i) == '\\' {
                    // An escaped character literal: '\n', '\'', '\u{…}'.
                    i += 2;
                    while i < chars.len() && chars[i] != '\'' {
                        i += 1;
                    }
                    i += 1;
                } else if at(i + 1) == '\'' {
                    i += 2;
                } else {
                    // A lifetime or label: its name is no path.
                    while i < chars.len() && is_ident_char(chars[i]) {
                        i += 1;
                    }
                }
            } else if c == 'r' && at(i + 1) == '#' && is_ident_start(at(i + 2)) {
                // A raw identifier, `r#type`.
                i += 2;
            } else if is_ident_start(c) {
                let start = i;
                while i < chars.len() && is_ident_char(chars[i]) {
                    i += 1;
                }
                tokens.push(Token::Ident(chars[start..i].iter().collect()));
            } else if c.is_ascii_digit() {
                while i < chars.len() && (is_ident_char(chars[i]) || chars[i] == '.') {
                    // `0..n` is a range, not a number with a point.
                    if chars[i] == '.' && !at(i + 1).is_ascii_digit() {
                        break;
                    }
                    i += 1;
                }
            } else if c == ':' && at(i + 1) == ':' {
                tokens.push(Token::PathSep);
                i += 2;
            } else {
                tokens.push(Token::Punct(c));
                i += 1;
            }
        }
        tokens
    }

    /// Where a raw string (`r"…"`, `r#"…"#`, `br#"…"#`) that starts at
    /// `start` ends, or `None` when none starts there.
    fn raw_string_end(chars: &[char], start: usize) -> Option<usize> {
        let mut i = start;
        if chars.get(i) == Some(&'b') || chars.get(i) == Some(&'c') {
            i += 1;
        }
        if chars.get(i) != Some(&'r') {
            return None;
        }
        i += 1;
        let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
        i += hashes;
        if chars.get(i) != Some(&'"') {
            return None;
        }
        i += 1;
        while i < chars.len() {
            if chars[i] == '"' && chars[i + 1..].iter().take_while(|&&c| c == '#').count() >= hashes
            {
                return Some(i + 1 + hashes);
            }
            i += 1;
        }
        Some(chars.len())
    }
}

mod parser {
    use super::lexer::Token;

    /// What one `use` brings into scope.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Binding {
        Name(String),
        Glob,
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Use {
        pub path: Vec<String>,
        pub binding: Binding,
        /// `pub use` (any visibility): a re-export, followed through
        /// rather than counted as an edge by itself.
        pub public: bool,
    }

    /// One module as written: in its own file, or inline (`mod x { … }`).
    #[derive(Debug, Default)]
    pub struct ParsedModule {
        /// `mod x;`: the module lives in another file.
        pub file_modules: Vec<String>,
        pub inline_modules: Vec<(String, ParsedModule)>,
        /// Names of items defined here (types, functions, constants, …).
        pub items: Vec<String>,
        pub uses: Vec<Use>,
        /// Every path in code, `a::b::C` or a bare `C`, as segments.
        pub paths: Vec<Vec<String>>,
    }

    const ITEM_KEYWORDS: [&str; 9] = [
        "struct",
        "enum",
        "union",
        "trait",
        "type",
        "fn",
        "const",
        "static",
        "macro_rules",
    ];

    /// Words that never start a path to an item of this repository.
    const KEYWORDS: [&str; 38] = [
        "as",
        "async",
        "await",
        "break",
        "continue",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "static",
        "struct",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
        "Self",
        "const",
        "union",
        "macro_rules",
        "_",
    ];

    pub fn parse(tokens: &[Token]) -> ParsedModule {
        let mut module = ParsedModule::default();
        parse_items(tokens, &mut module);
        module
    }

    fn ident(tokens: &[Token], i: usize) -> Option<&str> {
        match tokens.get(i) {
            Some(Token::Ident(name)) => Some(name),
            _ => None,
        }
    }

    fn is_punct(tokens: &[Token], i: usize, c: char) -> bool {
        tokens.get(i) == Some(&Token::Punct(c))
    }

    /// The index just past the group that opens at `open` (`{`, `(` or
    /// `[`), counting every kind of bracket.
    fn group_end(tokens: &[Token], open: usize) -> usize {
        let mut depth = 0usize;
        let mut i = open;
        while i < tokens.len() {
            match tokens[i] {
                Token::Punct('{' | '(' | '[') => depth += 1,
                Token::Punct('}' | ')' | ']') => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        tokens.len()
    }

    /// The index just past the item that starts at `start`: its `;`, its
    /// first top-level `{ … }` group, or the `,` after it (a field, a
    /// variant, a match arm); an unmatched closing bracket ends it too,
    /// and is left to the group it closes.
    fn item_end(tokens: &[Token], start: usize) -> usize {
        let mut i = start;
        while i < tokens.len() {
            match tokens[i] {
                Token::Punct(';' | ',') => return i + 1,
                Token::Punct('{') => return group_end(tokens, i),
                Token::Punct('(' | '[') => i = group_end(tokens, i),
                Token::Punct('}' | ')' | ']') => return i,
                _ => i += 1,
            }
        }
        tokens.len()
    }

    /// True for an attribute group (`[ … ]`, from `start`) that compiles
    /// its item only for tests: `cfg(test)`, or `cfg(all(test, …))`.
    fn is_test_only(tokens: &[Token], start: usize, end: usize) -> bool {
        let words: Vec<&str> = tokens[start..end]
            .iter()
            .filter_map(|token| match token {
                Token::Ident(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        words.first() == Some(&"cfg")
            && words.contains(&"test")
            && !words.contains(&"not")
            && !words.contains(&"any")
    }

    fn parse_items(tokens: &[Token], module: &mut ParsedModule) {
        let mut i = 0;
        let mut public = false;
        let mut test_only = false;
        // Braces of function bodies, impl blocks and types entered so far:
        // only an item at depth 0 is the module's (a method is not).
        let mut depth = 0usize;
        while i < tokens.len() {
            if is_punct(tokens, i, '#') {
                let open = if is_punct(tokens, i + 1, '!') {
                    i + 2
                } else {
                    i + 1
                };
                if is_punct(tokens, open, '[') {
                    let end = group_end(tokens, open);
                    test_only |= is_test_only(tokens, open + 1, end);
                    i = end;
                    continue;
                }
            }
            if test_only {
                i = item_end(tokens, i);
                test_only = false;
                public = false;
                continue;
            }
            match ident(tokens, i) {
                Some("pub") => {
                    public = true;
                    i += 1;
                    if is_punct(tokens, i, '(') {
                        i = group_end(tokens, i);
                    }
                    continue;
                }
                Some("use") => {
                    let end = item_end(tokens, i);
                    let mut bound = Vec::new();
                    parse_use_tree(&tokens[i + 1..end], &mut 0, &[], &mut bound);
                    module
                        .uses
                        .extend(bound.into_iter().map(|(path, binding)| Use {
                            path,
                            binding,
                            public,
                        }));
                    i = end;
                }
                Some("mod") => {
                    let name = ident(tokens, i + 1).unwrap_or_default().to_owned();
                    if is_punct(tokens, i + 2, '{') {
                        let end = group_end(tokens, i + 2);
                        let mut inner = ParsedModule::default();
                        parse_items(&tokens[i + 3..end.saturating_sub(1)], &mut inner);
                        module.inline_modules.push((name, inner));
                        i = end;
                    } else {
                        module.file_modules.push(name);
                        i = item_end(tokens, i);
                    }
                }
                Some(word) if ITEM_KEYWORDS.contains(&word) => {
                    let name_at = if word == "macro_rules" { i + 2 } else { i + 1 };
                    if depth == 0
                        && let Some(name) = ident(tokens, name_at)
                        && !KEYWORDS.contains(&name)
                    {
                        module.items.push(name.to_owned());
                    }
                    i += 1;
                }
                Some(word) if !KEYWORDS.contains(&word) => {
                    let after_dot = i > 0 && is_punct(tokens, i - 1, '.');
                    let mut path = vec![word.to_owned()];
                    i += 1;
                    while tokens.get(i) == Some(&Token::PathSep) {
                        match ident(tokens, i + 1) {
                            Some(next) => {
                                path.push(next.to_owned());
                                i += 2;
                            }
                            None => break,
                        }
                    }
                    // A field or method after `.` names no item.
                    if !after_dot || path.len() > 1 {
                        module.paths.push(path);
                    }
                }
                _ => {
                    // Braces of function bodies and impl blocks are walked
                    // through: their paths, their `use`s and their
                    // `#[cfg(test)]` items count like those of the module.
                    match tokens[i] {
                        Token::Punct('{') => depth += 1,
                        Token::Punct('}') => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    i += 1;
                }
            }
            public = false;
        }
    }

    /// Reads a use tree (after `use`, without the `;`) into the paths it
    /// brings into scope and the name each is bound to.
    fn parse_use_tree(
        tokens: &[Token],
        i: &mut usize,
        prefix: &[String],
        out: &mut Vec<(Vec<String>, Binding)>,
    ) {
        let mut path = prefix.to_vec();
        if tokens.get(*i) == Some(&Token::PathSep) {
            *i += 1;
        }
        loop {
            match tokens.get(*i) {
                Some(Token::Ident(name)) => {
                    path.push(name.clone());
                    *i += 1;
                    if tokens.get(*i) == Some(&Token::PathSep) {
                        *i += 1;
                        continue;
                    }
                    let mut binding = if name == "self" {
                        path.pop();
                        path.last().cloned().unwrap_or_default()
                    } else {
                        name.clone()
                    };
                    if ident(tokens, *i) == Some("as") {
                        binding = ident(tokens, *i + 1).unwrap_or("_").to_owned();
                        *i += 2;
                    }
                    if binding != "_" {
                        out.push((path, Binding::Name(binding)));
                    }
                    return;
                }
                Some(Token::Punct('*')) => {
                    *i += 1;
                    out.push((path, Binding::Glob));
                    return;
                }
                Some(Token::Punct('{')) => {
                    *i += 1;
                    while *i < tokens.len() && !is_punct(tokens, *i, '}') {
                        parse_use_tree(tokens, i, &path, out);
                        if is_punct(tokens, *i, ',') {
                            *i += 1;
                        }
                    }
                    *i += 1;
                    return;
                }
                _ => {
                    *i += 1;
                    return;
                }
            }
        }
    }
}

mod imports {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};

    use super::lexer;
    use super::parser::{self, Binding, ParsedModule, Use};

    /// Where a path leads: into a module, or to an item defined in a file.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Resolved {
        Module(usize),
        Item { file: String },
    }

    struct Module {
        file: String,
        root: usize,
        parent: Option<usize>,
        children: BTreeMap<String, usize>,
        items: BTreeSet<String>,
        uses: Vec<Use>,
        paths: Vec<Vec<String>>,
    }

    pub struct Graph {
        modules: Vec<Module>,
        /// Crate name → the module id of its root.
        crates: BTreeMap<String, usize>,
    }

    /// Imports are followed at most this deep, so a re-export loop (which
    /// the compiler refuses anyway) cannot make the checker spin.
    const MAX_DEPTH: usize = 64;

    impl Graph {
        /// Reads the crates `(name, root file)` out of `files` (path →
        /// text), following `mod x;` declarations from each root.
        pub fn build(files: &BTreeMap<String, String>, crates: &[(&str, &str)]) -> Graph {
            let mut graph = Graph {
                modules: Vec::new(),
                crates: BTreeMap::new(),
            };
            for (name, root_file) in crates {
                let Some(text) = files.get(*root_file) else {
                    continue;
                };
                let parsed = parser::parse(&lexer::tokens(text));
                let id = graph.add_module(files, root_file, None, None, parsed);
                graph.crates.insert((*name).to_owned(), id);
            }
            graph
        }

        /// The files of `files` that no crate's module tree reaches
        /// (`tests.rs` files excepted: they are unit tests).
        pub fn files_outside_every_crate(&self, files: &BTreeMap<String, String>) -> Vec<String> {
            let reached: BTreeSet<&str> = self.modules.iter().map(|m| m.file.as_str()).collect();
            files
                .keys()
                .filter(|file| !reached.contains(file.as_str()) && !is_unit_test_file(file))
                .cloned()
                .collect()
        }

        fn add_module(
            &mut self,
            files: &BTreeMap<String, String>,
            file: &str,
            parent: Option<usize>,
            root: Option<usize>,
            parsed: ParsedModule,
        ) -> usize {
            let id = self.modules.len();
            self.modules.push(Module {
                file: file.to_owned(),
                root: root.unwrap_or(id),
                parent,
                children: BTreeMap::new(),
                items: parsed.items.into_iter().collect(),
                uses: parsed.uses,
                paths: parsed.paths,
            });
            let root = root.unwrap_or(id);
            for name in parsed.file_modules {
                let Some((child_file, text)) = child_file(files, file, &name) else {
                    continue;
                };
                if is_unit_test_file(&child_file) {
                    continue;
                }
                let child_parsed = parser::parse(&lexer::tokens(text));
                let child = self.add_module(files, &child_file, Some(id), Some(root), child_parsed);
                self.modules[id].children.insert(name, child);
            }
            for (name, inner) in parsed.inline_modules {
                let child = self.add_module(files, file, Some(id), Some(root), inner);
                self.modules[id].children.insert(name, child);
            }
            id
        }

        /// Follows `path` as written in module `from`: everything it may
        /// lead to. A name bound by several `use`s (alternatives under
        /// `#[cfg(unix)]` and `#[cfg(windows)]`, say) leads to each, so the
        /// code of every platform is checked wherever the tests run.
        pub fn resolve(&self, from: usize, path: &[String], depth: usize) -> Vec<Resolved> {
            let Some((first, rest)) = path.split_first() else {
                return Vec::new();
            };
            if depth > MAX_DEPTH {
                return Vec::new();
            }
            let mut found = match first.as_str() {
                "crate" => vec![Resolved::Module(self.modules[from].root)],
                "super" => self.modules[from]
                    .parent
                    .map(Resolved::Module)
                    .into_iter()
                    .collect(),
                "self" => vec![Resolved::Module(from)],
                name => {
                    let found = self.lookup(from, name, !rest.is_empty(), depth + 1);
                    if found.is_empty() {
                        self.crates
                            .get(name)
                            .map(|&root| Resolved::Module(root))
                            .into_iter()
                            .collect()
                    } else {
                        found
                    }
                }
            };
            for (index, segment) in rest.iter().enumerate() {
                let more = index + 1 < rest.len();
                let mut next = Vec::new();
                for at in found {
                    let Resolved::Module(module) = at else {
                        // The rest names a variant or an associated item
                        // of the item found: it is defined where the item
                        // is.
                        next.push(at);
                        continue;
                    };
                    match segment.as_str() {
                        "super" => next.extend(self.modules[module].parent.map(Resolved::Module)),
                        "self" => next.push(Resolved::Module(module)),
                        name => {
                            let found = self.lookup(module, name, more, depth + 1);
                            if found.is_empty() {
                                // A name the reader does not see defined in a
                                // module of ours (one a macro generates, say)
                                // is taken to be defined in that module's file.
                                next.push(Resolved::Item {
                                    file: self.modules[module].file.clone(),
                                });
                            } else {
                                next.extend(found);
                            }
                        }
                    }
                }
                next.dedup();
                found = next;
            }
            found
        }

        /// What `name` means inside module `module`: a child module, an
        /// item defined there, or what the `use`s there bind it to.
        fn lookup(
            &self,
            module: usize,
            name: &str,
            want_module: bool,
            depth: usize,
        ) -> Vec<Resolved> {
            if depth > MAX_DEPTH {
                return Vec::new();
            }
            let m = &self.modules[module];
            let child = m.children.get(name).map(|&id| Resolved::Module(id));
            let item = m.items.contains(name).then(|| Resolved::Item {
                file: m.file.clone(),
            });
            let own = if want_module {
                child.or(item)
            } else {
                item.or(child)
            };
            if let Some(own) = own {
                return vec![own];
            }
            let imported: Vec<Resolved> = m
                .uses
                .iter()
                .filter(|import| import.binding == Binding::Name(name.to_owned()))
                .flat_map(|import| self.resolve(module, &import.path, depth + 1))
                .collect();
            if !imported.is_empty() {
                return imported;
            }
            for import in &m.uses {
                if import.binding != Binding::Glob {
                    continue;
                }
                for glob in self.resolve(module, &import.path, depth + 1) {
                    if let Resolved::Module(glob) = glob
                        && glob != module
                    {
                        let found = self.lookup(glob, name, want_module, depth + 1);
                        if !found.is_empty() {
                            return found;
                        }
                    }
                }
            }
            Vec::new()
        }

        /// File → file it uses an item of → the first path that showed it.
        pub fn edges(&self) -> BTreeMap<String, BTreeMap<String, String>> {
            let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for (id, module) in self.modules.iter().enumerate() {
                let private_imports = module
                    .uses
                    .iter()
                    .filter(|u| !u.public && matches!(u.binding, Binding::Name(_)))
                    .map(|u| &u.path);
                for path in private_imports.chain(&module.paths) {
                    for resolved in self.resolve(id, path, 0) {
                        let Resolved::Item { file } = resolved else {
                            continue;
                        };
                        if file == module.file {
                            continue;
                        }
                        edges
                            .entry(module.file.clone())
                            .or_default()
                            .entry(file)
                            .or_insert_with(|| path.join("::"));
                    }
                }
            }
            edges
        }

        /// Every file `start` imports, directly or through others.
        pub fn reachable_from(&self, start: &str) -> BTreeSet<String> {
            let edges = self.edges();
            let mut reached = BTreeSet::new();
            let mut todo = vec![start.to_owned()];
            while let Some(file) = todo.pop() {
                for next in edges.get(&file).into_iter().flat_map(|to| to.keys()) {
                    if reached.insert(next.clone()) {
                        todo.push(next.clone());
                    }
                }
            }
            reached
        }

        /// The groups of files that import each other around loops,
        /// each as a sorted list (a group of one file is no loop).
        pub fn tangles(&self) -> Vec<Vec<String>> {
            let mut tangles: Vec<Vec<String>> = strongly_connected(&self.edges())
                .into_iter()
                .filter(|component| component.len() > 1)
                .collect();
            tangles.sort();
            tangles
        }

        /// Every import cycle, one line each: `a → b (Name) → a`. Each
        /// edge that lies on a cycle shows in at least one line.
        pub fn cycles(&self) -> Vec<String> {
            let edges = self.edges();
            let mut found = BTreeSet::new();
            for component in self.tangles() {
                for from in &component {
                    for to in edges[from].keys().filter(|to| component.contains(*to)) {
                        if let Some(back) = shortest_path(&edges, to, from, &component) {
                            // `back` runs `to` → … → `from`; the cycle is
                            // given without repeating `from` at its end.
                            let mut cycle = vec![from.clone()];
                            cycle.extend(back);
                            cycle.pop();
                            found.insert(canonical(cycle));
                        }
                    }
                }
            }
            let mut cycles: Vec<Vec<String>> = found.into_iter().collect();
            cycles.sort_by_key(|cycle| cycle.len());
            cycles
                .iter()
                .map(|cycle| describe_cycle(cycle, &edges))
                .collect()
        }
    }

    /// `tests.rs` holds a module's unit tests, which may reach anywhere.
    pub fn is_unit_test_file(file: &str) -> bool {
        file == "tests.rs" || file.ends_with("/tests.rs")
    }

    /// The file of module `name` declared in `file`: `name.rs` or
    /// `name/mod.rs`, next to a `mod.rs`/`lib.rs`/`main.rs`, otherwise in
    /// the folder named after the declaring file.
    fn child_file<'a>(
        files: &'a BTreeMap<String, String>,
        file: &str,
        name: &str,
    ) -> Option<(String, &'a String)> {
        let (dir, stem) = match file.rsplit_once('/') {
            Some((dir, base)) => (dir.to_owned(), base.trim_end_matches(".rs")),
            None => (String::new(), file.trim_end_matches(".rs")),
        };
        let base = if matches!(stem, "mod" | "lib" | "main") {
            dir
        } else if dir.is_empty() {
            stem.to_owned()
        } else {
            format!("{dir}/{stem}")
        };
        let join = |tail: String| {
            if base.is_empty() {
                tail
            } else {
                format!("{base}/{tail}")
            }
        };
        [join(format!("{name}.rs")), join(format!("{name}/mod.rs"))]
            .into_iter()
            .find_map(|candidate| files.get(&candidate).map(|text| (candidate, text)))
    }

    /// Tarjan's strongly connected components of the file graph.
    fn strongly_connected(edges: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<Vec<String>> {
        struct State<'a> {
            edges: &'a BTreeMap<String, BTreeMap<String, String>>,
            index: BTreeMap<&'a str, usize>,
            low: BTreeMap<&'a str, usize>,
            stack: Vec<&'a str>,
            on_stack: BTreeSet<&'a str>,
            components: Vec<Vec<String>>,
        }
        fn visit<'a>(state: &mut State<'a>, node: &'a str) {
            let next = state.index.len();
            state.index.insert(node, next);
            state.low.insert(node, next);
            state.stack.push(node);
            state.on_stack.insert(node);
            let targets: Vec<&'a str> = state
                .edges
                .get(node)
                .map(|to| to.keys().map(String::as_str).collect())
                .unwrap_or_default();
            for to in targets {
                if !state.index.contains_key(to) {
                    visit(state, to);
                    let low = state.low[node].min(state.low[to]);
                    state.low.insert(node, low);
                } else if state.on_stack.contains(to) {
                    let low = state.low[node].min(state.index[to]);
                    state.low.insert(node, low);
                }
            }
            if state.low[node] == state.index[node] {
                let mut component = Vec::new();
                while let Some(member) = state.stack.pop() {
                    state.on_stack.remove(member);
                    component.push(member.to_owned());
                    if member == node {
                        break;
                    }
                }
                component.sort();
                state.components.push(component);
            }
        }
        let mut state = State {
            edges,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            components: Vec::new(),
        };
        for node in edges.keys() {
            if !state.index.contains_key(node.as_str()) {
                visit(&mut state, node);
            }
        }
        state.components
    }

    /// The shortest path `from` → … → `to` inside `within`, `from` and
    /// `to` included.
    fn shortest_path(
        edges: &BTreeMap<String, BTreeMap<String, String>>,
        from: &str,
        to: &str,
        within: &[String],
    ) -> Option<Vec<String>> {
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(node) = queue.pop_front() {
            if node == to {
                let mut path = vec![to.to_owned()];
                let mut at = to;
                while let Some(&before) = came_from.get(at) {
                    path.push(before.to_owned());
                    at = before;
                }
                path.reverse();
                return Some(path);
            }
            for next in edges.get(node).into_iter().flat_map(|to| to.keys()) {
                if within.contains(next) && seen.insert(next.as_str()) {
                    came_from.insert(next.as_str(), node);
                    queue.push_back(next.as_str());
                }
            }
        }
        None
    }

    /// A cycle `a → … → a` (given without the repeated end) rotated to
    /// start at its smallest file, so one cycle is listed once.
    fn canonical(mut cycle: Vec<String>) -> Vec<String> {
        if let Some(start) = cycle
            .iter()
            .enumerate()
            .min_by_key(|(_, file)| file.as_str())
            .map(|(index, _)| index)
        {
            cycle.rotate_left(start);
        }
        cycle
    }

    fn describe_cycle(
        cycle: &[String],
        edges: &BTreeMap<String, BTreeMap<String, String>>,
    ) -> String {
        let mut text = cycle[0].clone();
        for (index, from) in cycle.iter().enumerate() {
            let to = &cycle[(index + 1) % cycle.len()];
            let why = edges
                .get(from)
                .and_then(|targets| targets.get(to))
                .map(String::as_str)
                .unwrap_or("?");
            text.push_str(&format!("\n    → {to}   (uses {why})"));
        }
        text
    }
}

mod lock {
    use std::collections::{BTreeMap, BTreeSet};

    /// Names of every package `start` depends on, directly or not,
    /// according to a `Cargo.lock` (with `start` itself). A lock file names
    /// a dependency as `name`, `name version` or `name version (source)`;
    /// the name is enough, because a name that appears in several
    /// versions is followed into each.
    pub fn dependency_closure(lock: &str, start: &str) -> BTreeSet<String> {
        let mut dependencies: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut current: Option<String> = None;
        let mut in_list = false;
        for line in lock.lines().map(str::trim) {
            if line == "[[package]]" {
                current = None;
                in_list = false;
            } else if let Some(name) = line.strip_prefix("name = ") {
                let name = name.trim_matches('"').to_owned();
                dependencies.entry(name.clone()).or_default();
                current = Some(name);
            } else if let Some(list) = line.strip_prefix("dependencies = [") {
                in_list = !list.ends_with(']');
                if let Some(package) = &current {
                    let names = list
                        .trim_end_matches(']')
                        .split(',')
                        .filter_map(package_name);
                    dependencies
                        .entry(package.clone())
                        .or_default()
                        .extend(names);
                }
            } else if in_list && line == "]" {
                in_list = false;
            } else if in_list && let Some(package) = &current {
                let names = package_name(line);
                dependencies
                    .entry(package.clone())
                    .or_default()
                    .extend(names);
            }
        }
        let mut closure = BTreeSet::new();
        let mut todo = vec![start.to_owned()];
        while let Some(package) = todo.pop() {
            if closure.insert(package.clone())
                && let Some(next) = dependencies.get(&package)
            {
                todo.extend(next.iter().cloned());
            }
        }
        closure
    }

    /// The package name in one entry of a `dependencies` list
    /// (`"name"`, `"name version"` or `"name version (source)"`).
    fn package_name(entry: &str) -> Option<String> {
        let entry = entry.trim().trim_end_matches(',').trim_matches('"');
        let name = entry.split(' ').next().unwrap_or_default();
        (!name.is_empty()).then(|| name.to_owned())
    }

    /// `egui`, `egui_glow`, `egui-winit`, `eframe`, `rfd`, `winit`, `glow`,
    /// `wgpu-core`, … : a package of a GUI toolkit.
    pub fn is_gui_package(name: &str) -> bool {
        super::GUI_PACKAGES.iter().any(|gui| {
            name == *gui
                || name
                    .strip_prefix(gui)
                    .is_some_and(|rest| rest.starts_with(['-', '_']))
        })
    }
}

/// A file tree given as `(path, text)` pairs, for the checker's own tests.
fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
        .collect()
}

fn edges_of(files: &[(&str, &str)], crates: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    imports::Graph::build(&tree(files), crates)
        .edges()
        .into_iter()
        .flat_map(|(from, to)| to.into_keys().map(move |to| (from.clone(), to)))
        .collect()
}

fn edge(from: &str, to: &str) -> (String, String) {
    (from.to_owned(), to.to_owned())
}

const ONE_CRATE: [(&str, &str); 1] = [("demo", "lib.rs")];

#[test]
fn a_use_line_is_an_edge_to_the_file_that_defines_the_name() {
    let edges = edges_of(
        &[
            ("lib.rs", "mod a;\nmod b;"),
            ("a.rs", "use crate::b::Thing;\nfn f(_: Thing) {}"),
            ("b.rs", "pub struct Thing;"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(edges, BTreeSet::from([edge("a.rs", "b.rs")]));
}

#[test]
fn mod_declarations_and_module_imports_are_no_edges() {
    let edges = edges_of(
        &[
            ("lib.rs", "pub mod net;\nuse crate::net;"),
            ("net/mod.rs", "mod udp;\npub use udp::run;"),
            ("net/udp.rs", "pub fn run() {}"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(edges, BTreeSet::new());
}

#[test]
fn re_exports_are_followed_to_the_defining_file() {
    // `net/mod.rs` only re-exports: `a.rs` depends on `session.rs`, and
    // `session.rs` on `event.rs`, with no loop through the facade.
    let files = [
        ("lib.rs", "pub mod net;\nmod a;"),
        (
            "net/mod.rs",
            "mod event;\nmod session;\npub use event::Event;\npub use session::{self as s, spawn};",
        ),
        ("net/event.rs", "pub enum Event { Stopped }"),
        (
            "net/session.rs",
            "use super::Event;\npub fn spawn() -> Event { Event::Stopped }",
        ),
        ("a.rs", "fn f() { let _ = crate::net::spawn(); }"),
    ];
    let edges = edges_of(&files, &ONE_CRATE);
    assert_eq!(
        edges,
        BTreeSet::from([
            edge("a.rs", "net/session.rs"),
            edge("net/session.rs", "net/event.rs"),
        ])
    );
    assert!(
        imports::Graph::build(&tree(&files), &ONE_CRATE)
            .cycles()
            .is_empty()
    );
}

#[test]
fn a_facade_that_uses_what_it_re_exports_depends_on_it() {
    let edges = edges_of(
        &[
            ("lib.rs", "mod net;"),
            (
                "net/mod.rs",
                "mod join;\npub use join::Join;\npub enum Event { Joined(Join) }",
            ),
            ("net/join.rs", "pub struct Join;"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(edges, BTreeSet::from([edge("net/mod.rs", "net/join.rs")]));
}

#[test]
fn inline_paths_groups_self_super_and_aliases_resolve() {
    let edges = edges_of(
        &[
            ("lib.rs", "mod a;\nmod b;\nmod c;\nmod d;\nmod e;"),
            (
                "a.rs",
                "fn f() { crate::b::make(); super::c::Kind::One; }\n\
                 use crate::{d::{self, Other as Renamed}};\n\
                 fn g(_: Renamed) { d::helper(); }",
            ),
            ("b.rs", "pub fn make() {}"),
            ("c.rs", "pub enum Kind { One }"),
            ("d.rs", "pub struct Other;\npub fn helper() {}"),
            (
                "e.rs",
                "use self::inner::X;\nmod inner { pub struct X; }\nfn h(_: X) {}",
            ),
        ],
        &ONE_CRATE,
    );
    assert_eq!(
        edges,
        BTreeSet::from([
            edge("a.rs", "b.rs"),
            edge("a.rs", "c.rs"),
            edge("a.rs", "d.rs"),
        ])
    );
}

#[test]
fn glob_imports_count_only_the_names_used() {
    let edges = edges_of(
        &[
            (
                "lib.rs",
                "mod ui;\nmod model;\npub use model::{Model, Unused};",
            ),
            ("model.rs", "pub struct Model;\npub struct Unused;"),
            ("ui/mod.rs", "mod panel;\nuse crate::*;"),
            ("ui/panel.rs", "use super::*;\nfn draw(_: Model) {}"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(edges, BTreeSet::from([edge("ui/panel.rs", "model.rs")]));
}

#[test]
fn test_code_comments_and_strings_are_left_out() {
    let edges = edges_of(
        &[
            ("lib.rs", "mod a;\nmod b;\nmod c;"),
            (
                "a.rs",
                "// crate::b::Thing in a comment\n\
                 /* and /* nested */ crate::b::Thing */\n\
                 const S: &str = \"crate::b::Thing\";\n\
                 const R: &str = r#\"crate::b::Thing\"#;\n\
                 fn life<'a>(x: &'a str) -> char { 'b' }\n\
                 #[cfg(test)]\nmod tests { use crate::b::Thing; }\n\
                 #[cfg(test)]\nfn helper() -> crate::c::Other { todo!() }\n\
                 #[cfg(test)]\nmod tests_in_a_file;",
            ),
            ("a/tests_in_a_file.rs", "use crate::b::Thing;"),
            ("a/tests.rs", "use crate::b::Thing;"),
            ("b.rs", "pub struct Thing;"),
            ("c.rs", "pub struct Other;"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(edges, BTreeSet::new());
}

#[test]
fn another_crates_modules_resolve_into_its_files() {
    // The app re-exports the engine's `net`, so `crate::net::Event` in the
    // app is defined in the engine's file.
    let edges = edges_of(
        &[
            ("engine/lib.rs", "pub mod net;"),
            ("engine/net/mod.rs", "mod event;\npub use event::Event;"),
            ("engine/net/event.rs", "pub enum Event {}"),
            ("app/lib.rs", "pub use engine::net;\nmod gui;"),
            ("app/gui.rs", "use crate::net::Event;"),
        ],
        &[("engine", "engine/lib.rs"), ("app", "app/lib.rs")],
    );
    assert_eq!(
        edges,
        BTreeSet::from([edge("app/gui.rs", "engine/net/event.rs")])
    );
}

#[test]
fn every_cycle_is_listed_with_the_names_that_close_it() {
    let files = tree(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;\nmod d;\nmod e;"),
        ("a.rs", "pub struct A;\nuse crate::b::B;"),
        ("b.rs", "pub struct B;\nuse crate::a::A;\nuse crate::c::C;"),
        ("c.rs", "pub struct C;\nuse crate::a::A;"),
        ("d.rs", "pub struct D(crate::e::E);"),
        ("e.rs", "pub struct E;"),
    ]);
    let graph = imports::Graph::build(&files, &ONE_CRATE);
    assert_eq!(
        graph.tangles(),
        vec![vec![
            "a.rs".to_owned(),
            "b.rs".to_owned(),
            "c.rs".to_owned()
        ]]
    );
    let cycles = graph.cycles();
    assert_eq!(
        cycles,
        vec![
            "a.rs\n    → b.rs   (uses crate::b::B)\n    → a.rs   (uses crate::a::A)".to_owned(),
            "a.rs\n    → b.rs   (uses crate::b::B)\n    → c.rs   (uses crate::c::C)\n    → a.rs   (uses crate::a::A)"
                .to_owned(),
        ]
    );
}

#[test]
fn files_outside_the_module_tree_are_reported() {
    let files = tree(&[
        ("lib.rs", "mod a;"),
        ("a.rs", ""),
        ("stray.rs", "use crate::a::X;"),
        ("a/tests.rs", ""),
    ]);
    let graph = imports::Graph::build(&files, &ONE_CRATE);
    assert_eq!(graph.files_outside_every_crate(&files), vec!["stray.rs"]);
}

#[test]
fn the_lock_closure_follows_every_version_of_a_name() {
    let lock = r#"
version = 4

[[package]]
name = "engine"
version = "0.1.0"
dependencies = [
 "mio",
 "thiserror 2.0.1",
]

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "eframe",
 "engine",
]

[[package]]
name = "mio"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "libc",
]

[[package]]
name = "thiserror"
version = "2.0.1"
dependencies = ["thiserror-impl"]

[[package]]
name = "thiserror-impl"
version = "2.0.1"

[[package]]
name = "eframe"
version = "0.37.0"
dependencies = [
 "egui-winit",
]
"#;
    let closure = lock::dependency_closure(lock, "engine");
    assert_eq!(
        closure,
        BTreeSet::from(["engine", "mio", "libc", "thiserror", "thiserror-impl"].map(str::to_owned))
    );
    let app = lock::dependency_closure(lock, "app");
    let gui: Vec<&String> = app.iter().filter(|n| lock::is_gui_package(n)).collect();
    assert_eq!(gui, ["eframe", "egui-winit"]);
    assert!(!lock::is_gui_package("glowworm"));
    assert!(lock::is_gui_package("wgpu-core"));
}

#[test]
fn methods_fields_and_generated_names_are_read_right() {
    // A method named like a re-exported function does not hide it; a
    // `#[cfg(test)]` field skips only itself (the impl after it is read);
    // a name a macro generates is taken to be defined in the module the
    // path reaches.
    let edges = edges_of(
        &[
            ("lib.rs", "mod a;\nmod b;\nmod d;\nmod e;\nmod texts;"),
            (
                "a.rs",
                "pub struct S { #[cfg(test)] probe: u8, kept: u8 }\n\
                 impl S { fn make(&self) { crate::d::make(); } }\n\
                 fn title() -> &'static str { crate::texts::TITLE }",
            ),
            ("b.rs", "pub fn spawn() {}"),
            ("d.rs", "pub fn make() {}"),
            (
                "e.rs",
                "pub use crate::b::spawn;\nstruct T;\n\
                 impl T { fn spawn(&self) {} }\nfn go() { spawn(); }",
            ),
            ("texts.rs", "texts! { TITLE: \"NetAssist\" }"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(
        edges,
        BTreeSet::from([
            edge("a.rs", "d.rs"),
            edge("a.rs", "texts.rs"),
            edge("e.rs", "b.rs"),
        ])
    );
}

#[test]
fn reachability_follows_imports_through_other_files() {
    let files = tree(&[
        ("lib.rs", "mod a;\nmod b;\nmod c;"),
        ("a.rs", "pub struct A(crate::b::B);"),
        ("b.rs", "pub struct B(crate::c::C);"),
        ("c.rs", "pub struct C;"),
    ]);
    let graph = imports::Graph::build(&files, &ONE_CRATE);
    assert_eq!(
        graph.reachable_from("a.rs"),
        BTreeSet::from(["b.rs".to_owned(), "c.rs".to_owned()])
    );
    assert_eq!(graph.reachable_from("c.rs"), BTreeSet::new());
}

#[test]
fn every_platform_alternative_is_followed() {
    // `sys` names the Unix module on Unix and the Windows one on Windows;
    // the checker follows both, wherever it runs.
    let edges = edges_of(
        &[
            ("lib.rs", "mod root;"),
            (
                "root/mod.rs",
                "#[cfg(unix)]\nmod unix;\n#[cfg(windows)]\nmod windows;\n\
                 #[cfg(unix)]\nuse unix as sys;\n#[cfg(windows)]\nuse windows as sys;\n\
                 pub enum Want { File }\nfn open() { sys::open(); }",
            ),
            ("root/unix.rs", "pub fn open() {}"),
            ("root/windows.rs", "use super::Want;\npub fn open() {}"),
        ],
        &ONE_CRATE,
    );
    assert_eq!(
        edges,
        BTreeSet::from([
            edge("root/mod.rs", "root/unix.rs"),
            edge("root/mod.rs", "root/windows.rs"),
            edge("root/windows.rs", "root/mod.rs"),
        ])
    );
}
