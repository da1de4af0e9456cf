//! A small SCIM-style filter language, as used by Okta's `filter` and `search` parameters:
//! `status eq "ACTIVE" or (lastUpdated gt "2024-01-01T00:00:00.000Z" and type.id eq "oty1")`.
//! Operators: eq ne gt ge lt le sw co ew pr; `and`, `or`, `not`-free; parentheses.

use serde_json::Value;

use super::model::parse_ts;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Cmp { attr: String, op: Op, value: Value },
    Present(String),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Sw,
    Co,
    Ew,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    LParen,
    RParen,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if c == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if c == '"' {
            let mut v = String::new();
            i += 1;
            loop {
                match cs.get(i) {
                    None => return Err("unterminated string".into()),
                    Some('\\') => {
                        if let Some(n) = cs.get(i + 1) {
                            v.push(*n);
                        }
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(c) => {
                        v.push(*c);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(v));
        } else {
            let start = i;
            while i < cs.len() && !cs[i].is_whitespace() && cs[i] != '(' && cs[i] != ')' && cs[i] != '"' {
                i += 1;
            }
            out.push(Tok::Word(cs[start..i].iter().collect()));
        }
    }
    Ok(out)
}

pub(crate) fn parse(s: &str) -> Result<Expr, String> {
    let toks = lex(s)?;
    let mut p = Parser { toks, pos: 0 };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!("unexpected token at {}", p.pos));
    }
    Ok(e)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut l = self.and()?;
        while self.peek_word("or") {
            self.pos += 1;
            let r = self.and()?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.atom()?;
        while self.peek_word("and") {
            self.pos += 1;
            let r = self.atom()?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let e = self.or()?;
                if self.toks.get(self.pos) != Some(&Tok::RParen) {
                    return Err("missing )".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Word(attr)) => {
                self.pos += 1;
                let op = match self.toks.get(self.pos) {
                    Some(Tok::Word(o)) => o.to_ascii_lowercase(),
                    _ => return Err(format!("missing operator after {attr}")),
                };
                self.pos += 1;
                let op = match op.as_str() {
                    "pr" => return Ok(Expr::Present(attr)),
                    "eq" => Op::Eq,
                    "ne" => Op::Ne,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    "sw" => Op::Sw,
                    "co" => Op::Co,
                    "ew" => Op::Ew,
                    o => return Err(format!("unknown operator {o}")),
                };
                let value = match self.toks.get(self.pos) {
                    Some(Tok::Str(s)) => Value::String(s.clone()),
                    Some(Tok::Word(w)) => match w.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        n => n.parse::<f64>().map(Value::from).map_err(|_| format!("bad value {n}"))?,
                    },
                    _ => return Err(format!("missing value after {attr}")),
                };
                self.pos += 1;
                Ok(Expr::Cmp { attr, op, value })
            }
            _ => Err("expected an expression".into()),
        }
    }
}

impl Expr {
    /// Evaluates against an object, looking attributes up with `get` (dotted names).
    pub(crate) fn eval(&self, get: &dyn Fn(&str) -> Option<Value>) -> bool {
        match self {
            Expr::And(a, b) => a.eval(get) && b.eval(get),
            Expr::Or(a, b) => a.eval(get) || b.eval(get),
            Expr::Present(a) => get(a).is_some_and(|v| !v.is_null()),
            Expr::Cmp { attr, op, value } => match get(attr) {
                Some(Value::Array(items)) => items.iter().any(|v| cmp(v, *op, value)),
                Some(v) => cmp(&v, *op, value),
                None => cmp(&Value::Null, *op, value),
            },
        }
    }
}

fn cmp(actual: &Value, op: Op, expected: &Value) -> bool {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (actual, expected) {
        (Value::String(a), Value::String(b)) => match (parse_ts(a), parse_ts(b)) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => {
                let (a, b) = (a.to_lowercase(), b.to_lowercase());
                match op {
                    Op::Sw => return a.starts_with(&b),
                    Op::Co => return a.contains(&b),
                    Op::Ew => return a.ends_with(&b),
                    _ => Some(a.cmp(&b)),
                }
            }
        },
        (Value::Number(a), Value::Number(b)) => a.as_f64().zip(b.as_f64()).and_then(|(a, b)| a.partial_cmp(&b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        _ => None,
    };
    match (op, ord) {
        (Op::Eq, Some(o)) => o == Ordering::Equal,
        (Op::Ne, Some(o)) => o != Ordering::Equal,
        (Op::Ne, None) => true,
        (Op::Gt, Some(o)) => o == Ordering::Greater,
        (Op::Ge, Some(o)) => o != Ordering::Less,
        (Op::Lt, Some(o)) => o == Ordering::Less,
        (Op::Le, Some(o)) => o != Ordering::Greater,
        _ => false,
    }
}

/// Looks up a dotted path in a JSON value; a key that itself contains a dot (e.g. `github.username`)
/// is tried whole first.
pub(crate) fn lookup(v: &Value, path: &str) -> Option<Value> {
    if let Some(x) = v.get(path) {
        return Some(x.clone());
    }
    let parts: Vec<&str> = path.split('.').collect();
    lookup_parts(v, &parts)
}

/// Walks `parts`; through an array it collects the matches of every element (`target.id`).
fn lookup_parts(v: &Value, parts: &[&str]) -> Option<Value> {
    let mut cur = v;
    let mut i = 0;
    while i < parts.len() {
        if let Value::Array(items) = cur {
            let found: Vec<Value> = items
                .iter()
                .filter_map(|x| lookup_parts(x, &parts[i..]))
                .flat_map(|x| match x {
                    Value::Array(a) => a,
                    other => vec![other],
                })
                .collect();
            return Some(Value::Array(found));
        }
        // try the longest remaining key first
        let mut found = false;
        for j in (i + 1..=parts.len()).rev() {
            let key = parts[i..j].join(".");
            if let Some(x) = cur.get(&key) {
                cur = x;
                i = j;
                found = true;
                break;
            }
        }
        if !found {
            return None;
        }
    }
    Some(cur.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_and_evaluates() {
        let e = parse(r#"status eq "ACTIVE" or (status eq "SUSPENDED" and lastUpdated gt "2024-01-01T00:00:00Z")"#).unwrap();
        let u = json!({"status": "SUSPENDED", "lastUpdated": "2024-02-01T00:00:00.000Z", "profile": {"github.username": "x"}});
        assert!(e.eval(&|a| lookup(&u, a)));
        let e = parse(r#"profile.github.username eq "x""#).unwrap();
        assert!(e.eval(&|a| lookup(&u, a)));
        assert!(parse("status eq").is_err());
        let ev = json!({"target": [{"id": "a", "type": "User"}, {"id": "b", "type": "AppInstance"}]});
        assert!(parse(r#"target.id eq "b""#).unwrap().eval(&|a| lookup(&ev, a)));
        assert!(!parse(r#"target.id eq "c""#).unwrap().eval(&|a| lookup(&ev, a)));
        assert!(parse(r#"status zz "A""#).is_err());
    }
}
