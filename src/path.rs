//! Request paths as route patterns see them, and the patterns themselves.
//!
//! A path is cut at `?` / `#` and split into segments on the raw `/` **before** anything is
//! decoded; each segment is then percent-decoded on its own and any `/` or `\` in it is escaped
//! (`%2F`, `%5C`), so an escaped character never acts as a separator or a delimiter. A `\` is a
//! separator only in [`read_decoded`], the reading that adds protection: a URL parser has already
//! turned a raw `\` into `/`, and Hono's decoded path (where `%5C` became `\`) splits on `/` only.
//! This is the reference server's `normalizePath` (2.27), made total: it never fails, and says
//! when its reading is not the only one a framework could make ([`PathView::clear`]).

/// A request path, read for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathView {
    /// `/`-joined decoded segments: lower-case, no empty segment, no trailing `/`; `"/"` for the root.
    pub path: String,
    /// The same with its case kept, as a case-sensitive router (Hono) compares it.
    pub exact: String,
    /// False when some reading of the path is a guess: an escape that is malformed (`%`, `%zz`) or
    /// not UTF-8 (kept as written, as Hono keeps it), or a segment that decodes to `.` or `..` (which
    /// a later URL parser may resolve).
    pub clear: bool,
}

/// Reads `raw` (a URL path, encoded or decoded) as routes see it.
pub fn read(raw: &str) -> PathView {
    read_segments(raw.split(['?', '#']).next().unwrap_or_default())
}

/// Reads a path with no query to cut (a route pattern, whose `?` marks an optional parameter).
fn read_segments(raw: &str) -> PathView {
    let mut clear = true;
    let segments = raw.split('/').filter(|s| !s.is_empty()).map(|segment| {
        let (decoded, ok) = decode_segment(segment);
        clear &= ok && decoded != "." && decoded != "..";
        decoded
    });
    let segments: Vec<String> = segments.collect();
    PathView { path: join(&segments, true), exact: join(&segments, false), clear }
}

/// Reads `raw` decoded whole, so that an escaped `/` or `\` separates: how a framework that
/// decodes before routing (the reference's `decodedPath`) sees it. Only ever an extra view.
pub fn read_decoded(raw: &str) -> PathView {
    let raw = raw.split(['?', '#']).next().unwrap_or_default();
    let (decoded, clear) = decode_segment(raw);
    let segments: Vec<&str> = decoded.split(['/', '\\']).filter(|s| !s.is_empty()).collect();
    let clear = clear && !segments.iter().any(|s| *s == "." || *s == "..");
    PathView { path: join(&segments, true), exact: join(&segments, false), clear }
}

/// `/`-joins decoded segments (lower-case when `fold`), with `/` and `\` inside a segment escaped.
fn join<S: AsRef<str>>(segments: &[S], fold: bool) -> String {
    let mut path = String::new();
    for decoded in segments {
        path.push('/');
        for c in decoded.as_ref().chars() {
            match c {
                '/' => path.push_str("%2f"),
                '\\' => path.push_str("%5c"),
                c if fold => path.extend(c.to_lowercase()),
                c => path.push(c),
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    path
}

/// Percent-decodes one segment, run by run: a run of `%XX` escapes that is not UTF-8, or a `%`
/// not followed by two hex digits, is kept as written and makes the reading unclear.
fn decode_segment(s: &str) -> (String, bool) {
    if !s.contains('%') {
        return (s.to_owned(), true);
    }
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut clear = true;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            let next = s[i..].find('%').map_or(s.len(), |n| i + n);
            out.push_str(&s[i..next]);
            i = next;
            continue;
        }
        let start = i;
        let mut run = Vec::new();
        while let Some(byte) = s
            .get(i + 1..i + 3)
            .filter(|h| bytes[i] == b'%' && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            run.push(byte);
            i += 3;
            if i >= bytes.len() {
                break;
            }
        }
        match String::from_utf8(run) {
            Ok(text) if i > start => out.push_str(&text),
            _ => {
                clear = false;
                let end = if i > start { i } else { start + 1 };
                out.push_str(&s[start..end]);
                i = end;
            }
        }
    }
    (out, clear)
}

/// A compiled route pattern: `/weather`, `/items/:id`, `/files/[name]/meta`, `/api/*`; matched
/// case-insensitively as the reference does ([`Pattern::matches`]), or with its case kept as Hono
/// routes ([`Pattern::matches_exact`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    folded: Vec<Segment>,
    exact: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// `*` inside a pattern: any run of characters, `/` included (the reference's `.*?`).
    Wildcard,
    /// A trailing `/*`: nothing, or `/` and anything (the reference's `(?:/.*?)?`), so `/api/*`
    /// protects `/api` and `/api/` as Hono serves them from that handler.
    Rest,
    /// `:id` or `[id]`: one non-empty segment.
    Param,
    /// Hono's `/:id?`: nothing, or `/` and one non-empty segment.
    OptionalParam,
}

impl Pattern {
    /// Compiles `pattern`, read as a path first (so its literals compare with request paths).
    pub fn new(pattern: &str) -> Pattern {
        if pattern.trim() == "*" {
            return Pattern { folded: vec![Segment::Wildcard], exact: vec![Segment::Wildcard] };
        }
        let view = read_segments(pattern);
        Pattern { folded: compile(&view.path), exact: compile(&view.exact) }
    }

    /// Whether the whole of `path` (a [`PathView::path`]) matches, case-insensitively.
    pub fn matches(&self, path: &str) -> bool {
        reach(&self.folded, path)[path.len()]
    }

    /// Whether the whole of `exact` (a [`PathView::exact`]) matches, case kept.
    pub fn matches_exact(&self, exact: &str) -> bool {
        reach(&self.exact, exact)[exact.len()]
    }

    /// The remainders of `path` after each prefix this pattern matches whole segments of: how a
    /// sub-app mounted at this pattern sees the request. A remainder is `/…`, or `/` for the
    /// mount itself. `exact`: `path` is a [`PathView::exact`] reading.
    pub fn strip_prefix<'p>(&self, path: &'p str, exact: bool) -> impl Iterator<Item = &'p str> {
        let reached = reach(if exact { &self.exact } else { &self.folded }, path);
        (0..=path.len())
            .filter(move |&p| reached[p] && (p == path.len() || path.as_bytes()[p] == b'/'))
            .map(move |p| {
                let rest = &path[p..];
                if rest.is_empty() {
                    "/"
                } else {
                    rest
                }
            })
    }
}

/// Compiles a pattern already read as a path.
fn compile(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    let flush = |literal: &mut String, out: &mut Vec<Segment>| {
        if !literal.is_empty() {
            out.push(Segment::Literal(std::mem::take(literal)));
        }
    };
    while let Some(c) = chars.next() {
        let starts_segment = literal.ends_with('/')
            || (literal.is_empty() && matches!(out.last(), None | Some(Segment::Literal(_))));
        match c {
            '*' if literal.ends_with('/') && chars.peek().is_none() => {
                literal.pop();
                flush(&mut literal, &mut out);
                out.push(Segment::Rest);
            }
            '*' => {
                flush(&mut literal, &mut out);
                out.push(Segment::Wildcard);
            }
            ':' | '[' if starts_segment => {
                // The name runs to the next `/`; a Hono regex (`:path{.+}`) or a catch-all
                // (`[...slug]`) may span segments, so it matches like a wildcard.
                let mut name = String::new();
                let mut depth = 0usize;
                while let Some(&n) = chars.peek() {
                    if n == '/' && depth == 0 {
                        break;
                    }
                    chars.next();
                    name.push(n);
                    match n {
                        '{' => depth += 1,
                        '}' => depth = depth.saturating_sub(1),
                        ']' if c == '[' && depth == 0 => break,
                        _ => {}
                    }
                }
                if name.contains('{') || name.starts_with("...") {
                    flush(&mut literal, &mut out);
                    out.push(Segment::Wildcard);
                } else if name.ends_with('?') && literal.ends_with('/') {
                    literal.pop();
                    flush(&mut literal, &mut out);
                    out.push(Segment::OptionalParam);
                } else {
                    flush(&mut literal, &mut out);
                    out.push(Segment::Param);
                }
            }
            _ => literal.push(c),
        }
    }
    flush(&mut literal, &mut out);
    out
}

/// The positions of `path` a pattern can have consumed up to, in O(segments × path length)
/// whatever the pattern: no backtracking, so an operator's `/*/*/*` cannot be made a CPU sink.
fn reach(pattern: &[Segment], path: &str) -> Vec<bool> {
    let n = path.len();
    let mut reached = vec![false; n + 1];
    reached[0] = true;
    for segment in pattern {
        let mut next = vec![false; n + 1];
        match segment {
            Segment::Literal(lit) => {
                for p in (0..=n).filter(|&p| reached[p]) {
                    if path[p..].starts_with(lit.as_str()) {
                        next[p + lit.len()] = true;
                    }
                }
            }
            Segment::Wildcard => {
                if let Some(first) = reached.iter().position(|&r| r) {
                    for q in (first..=n).filter(|&q| path.is_char_boundary(q)) {
                        next[q] = true;
                    }
                }
            }
            Segment::Rest => {
                if (0..=n).any(|p| reached[p] && (p == n || path.as_bytes()[p] == b'/')) {
                    next[n] = true;
                }
            }
            Segment::OptionalParam => {
                for p in (0..=n).filter(|&p| reached[p]) {
                    next[p] = true;
                    if path.as_bytes().get(p) == Some(&b'/') {
                        let end = path[p + 1..].find('/').map_or(n, |e| p + 1 + e);
                        for q in (p + 2..=end).filter(|&q| path.is_char_boundary(q)) {
                            next[q] = true;
                        }
                    }
                }
            }
            // One or more characters of one segment: from the first reached position within
            // each run of non-'/' characters, every later boundary of that run.
            Segment::Param => {
                let mut start: Option<usize> = None;
                for (q, c) in path.char_indices().chain(std::iter::once((n, '/'))) {
                    if start.is_some_and(|s| q > s) {
                        next[q] = true;
                    }
                    if c == '/' {
                        start = None;
                    } else if start.is_none() && reached[q] {
                        start = Some(q);
                    }
                }
            }
        }
        reached = next;
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoded_character_never_separates() {
        assert_eq!(read("/r%65ports/x%2Fy").path, "/reports/x%2fy");
        assert_eq!(read("/ap%69/%3Fx/y").path, "/api/?x/y");
        assert_eq!(read("/a%5Cb\\c//d/?q=/x").path, "/a%5cb%5cc/d");
        assert_eq!(read_decoded("/a%5Cb\\c//d/?q=/x").path, "/a/b/c/d");
        assert_eq!(read("/a%23b#frag").path, "/a#b");
        assert_eq!(read("").path, "/");
        assert_eq!(read("//").path, "/");
        assert_eq!(read("/Caf%C3%A9").path, "/café");
    }

    #[test]
    fn guesses_are_marked() {
        for unclear in [
            "/a%",
            "/a%zz",
            "/a%ff",
            "/a%c3",
            "/x/%2e%2e/y",
            "/x/./y",
            "/a%e2%82",
            "/x%+1",
            "/x%-1",
        ] {
            let view = read(unclear);
            assert!(!view.clear, "{unclear}");
            assert!(view.path.starts_with('/'));
        }
        assert_eq!(read("/a%ff/b").path, "/a%ff/b", "kept as written, as Hono keeps it");
        assert!(read("/a%25zz/%2E%2E%2E").clear, "`%25` is a percent sign; `...` is a name");
    }

    #[test]
    fn a_trailing_wildcard_protects_the_prefix_itself() {
        let api = Pattern::new("/api/*");
        for hit in ["/api", "/api/x", "/api/x/y"] {
            assert!(api.matches(&read(hit).path), "{hit}");
        }
        assert!(api.matches(&read("/api/").path));
        assert!(!api.matches(&read("/apix").path));
        assert!(!api.matches(&read("/ap").path));
        let root = Pattern::new("/*");
        assert!(root.matches("/") && root.matches("/x/y"));
        assert!(Pattern::new("/api/*/v1").matches("/api/x/y/v1"));
        assert!(!Pattern::new("/api/*/v1").matches("/api/v1"));
    }

    #[test]
    fn hono_parameter_forms_are_covered() {
        let optional = Pattern::new("/x/:id?");
        assert!(optional.matches("/x") && optional.matches("/x/1"));
        assert!(!optional.matches("/x/1/2") && !optional.matches("/xy"));
        let optional_mid = Pattern::new("/x/:id?/y");
        assert!(optional_mid.matches("/x/y") && optional_mid.matches("/x/1/y"));
        // A regex parameter may span segments in Hono: matched like a wildcard.
        let regex = Pattern::new("/files/:path{.+}");
        assert!(regex.matches("/files/a/b/c"));
        assert!(Pattern::new("/docs/[...slug]").matches("/docs/a/b"));
        assert!(Pattern::new("/docs/[slug]/x").matches("/docs/a/x"));
        assert!(!Pattern::new("/docs/[slug]/x").matches("/docs/a/b/x"));
    }

    #[test]
    fn mounts_strip_whole_segments() {
        let v1 = Pattern::new("/v1");
        assert_eq!(v1.strip_prefix("/v1/report", false).collect::<Vec<_>>(), ["/report"]);
        assert_eq!(v1.strip_prefix("/v1", false).collect::<Vec<_>>(), ["/"]);
        assert_eq!(v1.strip_prefix("/v1x/report", false).count(), 0);
        assert_eq!(
            Pattern::new("/V1").strip_prefix("/v1/report", true).count(),
            0,
            "exact: case kept"
        );
        let param = Pattern::new("/:tenant");
        assert_eq!(param.strip_prefix("/acme/report", false).collect::<Vec<_>>(), ["/report"]);
    }
}
