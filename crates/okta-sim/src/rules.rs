//! Group rule evaluation for the expressions the simulator writes: `user.attr=="value"` clauses joined by
//! ` AND ` (Okta expression language; the generator's rules are single clauses). Rules with any other
//! expression are never evaluated: their members are whatever the org says.

use serde_json::Value;

use super::model::{GroupRule, User, UserProfile};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Clause {
    pub(crate) attr: String,
    pub(crate) value: String,
}

/// The clauses of `user.a=="x" AND user.b=="y"`, or `None` for any other expression.
pub(crate) fn parse_expression(s: &str) -> Option<Vec<Clause>> {
    s.split(" AND ")
        .map(|c| {
            let (lhs, rhs) = c.split_once("==")?;
            let attr = lhs.trim().strip_prefix("user.")?;
            let value = rhs.trim().strip_prefix('"')?.strip_suffix('"')?;
            let plain = |x: &str| !x.is_empty() && !x.contains('"');
            (plain(attr) && !attr.contains(char::is_whitespace) && !value.contains('"'))
                .then(|| Clause { attr: attr.to_string(), value: value.to_string() })
        })
        .collect()
}

pub(crate) fn expression(clauses: &[Clause]) -> String {
    clauses.iter().map(|c| format!("user.{}==\"{}\"", c.attr, c.value)).collect::<Vec<_>>().join(" AND ")
}

/// A string profile attribute, without serializing the profile for the common ones.
pub(crate) fn profile_attr(p: &UserProfile, attr: &str) -> Option<String> {
    match attr {
        "costCenter" => p.cost_center.clone(),
        "department" => p.department.clone(),
        "title" => p.title.clone(),
        "login" => Some(p.login.clone()),
        "email" => Some(p.email.clone()),
        _ => serde_json::to_value(p).ok()?.get(attr).and_then(Value::as_str).map(str::to_string),
    }
}

pub(crate) fn clauses_match(clauses: &[Clause], u: &User) -> bool {
    clauses.iter().all(|c| profile_attr(&u.profile, &c.attr).as_deref() == Some(c.value.as_str()))
}

/// The groups an ACTIVE rule with an understood expression puts `u` in (none when `u` is excluded).
pub(crate) fn groups_for(rule: &GroupRule, u: &User) -> Vec<String> {
    if rule.status != "ACTIVE" || excluded(rule).iter().any(|x| *x == u.id) {
        return Vec::new();
    }
    let Some(clauses) = rule.conditions.pointer("/expression/value").and_then(Value::as_str).and_then(parse_expression) else {
        return Vec::new();
    };
    if clauses_match(&clauses, u) {
        target_groups(rule)
    } else {
        Vec::new()
    }
}

pub(crate) fn target_groups(rule: &GroupRule) -> Vec<String> {
    let ids = rule.actions.pointer("/assignUserToGroups/groupIds").and_then(Value::as_array);
    ids.map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect()).unwrap_or_default()
}

fn excluded(rule: &GroupRule) -> Vec<&str> {
    let ids = rule.conditions.pointer("/people/users/exclude").and_then(Value::as_array);
    ids.map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_simulators_expressions_only() {
        let c = parse_expression(r#"user.costCenter=="CC-1003" AND user.department == "Sales""#).unwrap();
        assert_eq!(
            c,
            vec![
                Clause { attr: "costCenter".into(), value: "CC-1003".into() },
                Clause { attr: "department".into(), value: "Sales".into() }
            ]
        );
        assert_eq!(expression(&c), r#"user.costCenter=="CC-1003" AND user.department=="Sales""#);
        assert!(parse_expression(r#"String.stringContains(user.email,"x")"#).is_none());
        assert!(parse_expression(r#"user.a=="x" OR user.b=="y""#).is_none());
        assert!(parse_expression("user.a==x").is_none());
    }
}
