//! Glob patterns as `github.com/gobwas/glob` v0.2.3 reads them: GoTrue compiles each
//! `GOTRUE_URI_ALLOW_LIST` entry with `glob.MustCompile(uri, '.', '/')`.
//!
//! `*` matches any run of characters without a separator, `**` any run at all, `?` one
//! character that is not a separator, `[abc]` / `[a-z]` one character in the list or range
//! (`[!…]` one not in it; separators included), `{a,b}` one of the alternatives, `\` takes the
//! next character literally. The whole text must match; characters are Unicode scalar values.
//! Matching runs over sets of positions, so it takes time proportional to pattern × text.
//!
//! One known difference: gobwas/glob glues runs of fixed-length parts (text, `?`, classes) into
//! a `Row` matcher that slices multi-byte characters wrongly and so refuses some non-ASCII texts
//! (`é?/` does not match `éü/` there); here they match. GoTrue's default list has no such run.

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    seq: Vec<Node>,
    separators: Vec<char>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Char(char),
    /// `*`
    Any,
    /// `**`
    Super,
    /// `?`
    Single,
    /// `[…]`: (negated, chars, ranges).
    Class(bool, Vec<char>, Option<(char, char)>),
    /// `{…,…}`
    AnyOf(Vec<Vec<Node>>),
}

impl Glob {
    /// Compiles `pattern`; `Err` where gobwas/glob's `Compile` fails (`MustCompile` panics).
    pub fn compile(pattern: &str, separators: &[char]) -> Result<Glob, &'static str> {
        // gobwas/glob's lexer stops at a NUL rune (its end-of-input marker).
        let pattern = pattern.split('\0').next().unwrap_or("");
        let mut p = Parser { chars: pattern.chars().collect(), pos: 0 };
        let seq = p.sequence(0)?;
        Ok(Glob { seq, separators: separators.to_vec() })
    }

    /// True when the whole of `text` matches.
    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().collect();
        let mut start = vec![false; text.len() + 1];
        start[0] = true;
        self.run(&self.seq, start, &text)[text.len()]
    }

    /// The positions reachable after matching `seq` from any position set in `at`.
    fn run(&self, seq: &[Node], mut at: Vec<bool>, t: &[char]) -> Vec<bool> {
        let sep = |c: char| self.separators.contains(&c);
        for node in seq {
            let mut next = vec![false; t.len() + 1];
            match node {
                Node::Super | Node::Any => {
                    let mut open = false;
                    for i in 0..=t.len() {
                        open |= at[i];
                        next[i] = open;
                        if i < t.len() && *node == Node::Any && sep(t[i]) {
                            open = false;
                        }
                    }
                }
                Node::AnyOf(alternatives) => {
                    for alt in alternatives {
                        let reached = self.run(alt, at.clone(), t);
                        next.iter_mut().zip(reached).for_each(|(n, r)| *n |= r);
                    }
                }
                one => {
                    for i in 0..t.len() {
                        let c = t[i];
                        next[i + 1] = at[i]
                            && match one {
                                Node::Char(x) => c == *x,
                                Node::Single => !sep(c),
                                Node::Class(not, list, range) => {
                                    let inside = list.contains(&c)
                                        || range.is_some_and(|(lo, hi)| lo <= c && c <= hi);
                                    inside != *not
                                }
                                _ => unreachable!(),
                            };
                    }
                }
            }
            at = next;
        }
        at
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// Nodes up to the end, or (inside `depth` braces) up to a `,` or `}` left for the caller.
    fn sequence(&mut self, depth: usize) -> Result<Vec<Node>, &'static str> {
        let mut seq = Vec::new();
        while let Some(c) = self.peek() {
            if depth > 0 && (c == ',' || c == '}') {
                break;
            }
            self.pos += 1;
            match c {
                '*' if self.peek() == Some('*') => {
                    self.pos += 1;
                    seq.push(Node::Super);
                }
                '*' => seq.push(Node::Any),
                '?' => seq.push(Node::Single),
                '[' => seq.push(self.class()?),
                '{' => {
                    let mut alternatives = vec![self.sequence(depth + 1)?];
                    // An unclosed `{` runs to the end of the pattern.
                    while let Some(',') = self.peek() {
                        self.pos += 1;
                        alternatives.push(self.sequence(depth + 1)?);
                    }
                    if self.peek() == Some('}') {
                        self.pos += 1;
                    }
                    seq.push(Node::AnyOf(alternatives));
                }
                '\\' => {
                    if let Some(e) = self.peek() {
                        self.pos += 1;
                        seq.push(Node::Char(e));
                    }
                }
                c => seq.push(Node::Char(c)),
            }
        }
        Ok(seq)
    }

    /// After `[`: `!`? then either `lo-hi` or a list of characters (`\` escapes), then `]`.
    fn class(&mut self) -> Result<Node, &'static str> {
        const BAD: &str = "could not parse range";
        let not = self.peek() == Some('!');
        if not {
            self.pos += 1;
        }
        let first = self.peek().ok_or(BAD)?;
        if self.chars.get(self.pos + 1) == Some(&'-') {
            let hi = *self.chars.get(self.pos + 2).ok_or(BAD)?;
            if self.chars.get(self.pos + 3) != Some(&']') || hi < first || first == '\0' {
                return Err(BAD);
            }
            self.pos += 4;
            return Ok(Node::Class(not, Vec::new(), Some((first, hi))));
        }
        let mut list = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                ']' => break,
                '\\' => {
                    if let Some(e) = self.peek() {
                        self.pos += 1;
                        list.push(e);
                    }
                }
                c => list.push(c),
            }
            if self.peek().is_none() {
                return Err(BAD);
            }
        }
        if list.is_empty() || self.chars.get(self.pos - 1) != Some(&']') {
            return Err(BAD);
        }
        Ok(Node::Class(not, list, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, text: &str) -> bool {
        Glob::compile(pattern, &['.', '/']).expect(pattern).matches(text)
    }

    /// Each (pattern, text, gobwas/glob v0.2.3's `MustCompile(p, '.', '/').Match(text)`).
    #[test]
    fn matches_like_gobwas_glob() {
        let cases: &[(&str, &str, bool)] = &[
            ("http://localhost:*/**", "http://localhost:3000/reset", true),
            ("http://localhost:*/**", "http://localhost:3000/", true),
            ("http://localhost:*/**", "http://localhost:3000", false),
            ("http://localhost:*/**", "http://evil.com:3000/x", false),
            // `*` stops at `.` and `/`, not at `@`: the host check must refuse these.
            ("http://localhost:*/**", "http://localhost:x@1249763200/", true),
            ("http://localhost:*/**", "http://localhost:x@evil.example/", false),
            ("http://127.0.0.1:*/**", "http://127.0.0.1:8080/", true),
            ("https://*.example.com/**", "https://app.example.com/a/b", true),
            ("https://*.example.com/**", "https://a.b.example.com/a", false),
            ("https://**.example.com/**", "https://a.b.example.com/a", true),
            ("http://localhost:300?/**", "http://localhost:3001/x", true),
            ("http://localhost:300?/**", "http://localhost:300//x", false),
            ("http://localhost:[34]000/*", "http://localhost:4000/x", true),
            ("http://localhost:[!34]000/*", "http://localhost:5000/x", true),
            ("http://localhost:[!34]000/*", "http://localhost:3000/x", false),
            ("http://localhost:[0-9]/", "http://localhost:7/", true),
            ("http://{a,b.c}.test/", "http://b.c.test/", true),
            ("http://{a,b.c}.test/", "http://d.test/", false),
            ("http://x\\*.test/", "http://x*.test/", true),
            ("http://x\\*.test/", "http://xy.test/", false),
            ("myapp://**", "myapp://callback#x", true),
            ("é*/", "éü/", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(m(p, t), *want, "{p} ~ {t}");
        }
        assert!(Glob::compile("[]", &[]).is_err());
        assert!(Glob::compile("[a", &[]).is_err());
        assert!(Glob::compile("[z-a]", &[]).is_err());
    }
}
