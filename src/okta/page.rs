//! Pagination: the pure `Link` header parser, the body-paged envelope, and the same-origin rule
//! for following `next` links.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use url::Url;

/// One `<url>; rel="..."` entry of a `Link` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Link {
    pub url: String,
    /// The `rel` value(s), lower-cased. `rel="next self"` yields two entries.
    pub rels: Vec<String>,
}

/// Parse every `Link` header value given. Accepts several header lines and comma-joined values,
/// quoted or bare `rel`, and commas inside `<...>` (they belong to the URL). Malformed entries are
/// skipped rather than failing the whole header.
pub(crate) fn parse_link_header<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Link> {
    let mut out = Vec::new();
    for value in values {
        let mut rest = value;
        // Each entry starts at the next '<'; everything up to the closing '>' is the URL, commas
        // included.
        while let Some(open) = rest.find('<') {
            let after_open = &rest[open + 1..];
            let Some(close) = after_open.find('>') else {
                break;
            };
            let url = after_open[..close].trim().to_owned();
            let params_and_rest = &after_open[close + 1..];
            // Parameters run until the next comma that is outside quotes.
            let end = param_end(params_and_rest);
            let params = &params_and_rest[..end];
            rest = &params_and_rest[end..];
            let rels = rel_values(params);
            if !url.is_empty() {
                out.push(Link { url, rels });
            }
        }
    }
    out
}

/// The `next` URL among parsed links, if any.
pub(crate) fn next_link(links: &[Link]) -> Option<&str> {
    links.iter().find(|l| l.rels.iter().any(|r| r == "next")).map(|l| l.url.as_str())
}

fn param_end(s: &str) -> usize {
    let mut in_quotes = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => return i,
            _ => {}
        }
    }
    s.len()
}

fn rel_values(params: &str) -> Vec<String> {
    let mut rels = Vec::new();
    for param in params.split(';') {
        let Some((name, value)) = param.split_once('=') else {
            continue;
        };
        if !name.trim().eq_ignore_ascii_case("rel") {
            continue;
        }
        let value = value.trim().trim_matches('"');
        rels.extend(value.split_whitespace().map(|r| r.to_ascii_lowercase()));
    }
    rels
}

/// Resolve a `next` link against the current URL and insist it stays on the same origin
/// (scheme, host, port): the request carries the org's token, so a foreign link would leak it.
pub(crate) fn resolve_next(current: &Url, link: &str) -> Result<Url, String> {
    let next = current.join(link).map_err(|e| format!("{link}: {e}"))?;
    if next.origin() != current.origin() {
        return Err(next.to_string());
    }
    Ok(next)
}

/// One page of an Okta list, in either paging style: its items and the `next` link, if any.
pub(crate) trait Page: DeserializeOwned {
    type Item: Send + 'static;
    fn split(self, headers: &reqwest::header::HeaderMap) -> (Vec<Self::Item>, Option<String>);
}

/// A list paged with `Link: <...>; rel="next"` headers: the body is the array of items.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(crate) struct HeaderPaged<T>(pub Vec<T>);

impl<T: DeserializeOwned + Send + 'static> Page for HeaderPaged<T> {
    type Item = T;
    fn split(self, headers: &reqwest::header::HeaderMap) -> (Vec<T>, Option<String>) {
        let links = parse_link_header(headers.get_all(reqwest::header::LINK).iter().filter_map(|v| v.to_str().ok()));
        (self.0, next_link(&links).map(str::to_string))
    }
}

impl<T: DeserializeOwned + Send + 'static> Page for BodyPage<T> {
    type Item = T;
    fn split(self, _headers: &reqwest::header::HeaderMap) -> (Vec<T>, Option<String>) {
        (self.value, self.links.and_then(|l| l.next).map(|n| n.href))
    }
}

/// The envelope of body-paged lists such as `/api/v1/iam/assignees/users`; the IAM lists of a resource set's
/// resources and of a custom role's permissions name their items `resources` and `permissions`.
#[derive(Debug, Deserialize)]
pub(crate) struct BodyPage<T> {
    #[serde(default = "Vec::new", alias = "resources", alias = "permissions")]
    pub value: Vec<T>,
    #[serde(default, rename = "_links")]
    pub links: Option<BodyLinks>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BodyLinks {
    #[serde(default)]
    pub next: Option<Href>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Href {
    pub href: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_headers() {
        let links = parse_link_header([
            r#"<https://acme.okta.com/api/v1/logs?limit=20>; rel="self""#,
            r#"<https://acme.okta.com/api/v1/logs?limit=20&after=1627500044869_1>; rel="next""#,
        ]);
        assert_eq!(links.len(), 2);
        assert_eq!(next_link(&links), Some("https://acme.okta.com/api/v1/logs?limit=20&after=1627500044869_1"));
    }

    #[test]
    fn comma_joined_with_commas_in_urls() {
        let h = r#"<https://dev.okta.com/api/v1/logs?since=2022&filter=a,b+eq+"x,y">; rel="self", <https://dev.okta.com/api/v1/logs?filter=a,b&after=1658862453660_1>; rel="next""#;
        let links = parse_link_header([h]);
        assert_eq!(links.len(), 2, "{links:?}");
        assert_eq!(links[0].url, r#"https://dev.okta.com/api/v1/logs?since=2022&filter=a,b+eq+"x,y""#);
        assert_eq!(next_link(&links), Some("https://dev.okta.com/api/v1/logs?filter=a,b&after=1658862453660_1"));
    }

    #[test]
    fn bare_rel_extra_params_and_case() {
        let links = parse_link_header([r#"<https://a/x?after=1>; title="a, b"; REL=Next"#]);
        assert_eq!(next_link(&links), Some("https://a/x?after=1"));
        let links = parse_link_header(["<https://a/x?after=2>;rel=next,<https://a/x>;rel=self"]);
        assert_eq!(next_link(&links), Some("https://a/x?after=2"));
        let links = parse_link_header([r#"<https://a/y>; rel="self next""#]);
        assert_eq!(next_link(&links), Some("https://a/y"));
    }

    #[test]
    fn no_next_and_garbage() {
        assert_eq!(next_link(&parse_link_header([r#"<https://a/x>; rel="self""#])), None);
        assert!(parse_link_header(["", "garbage", "<unterminated; rel=next"]).is_empty());
        assert!(parse_link_header(Vec::<&str>::new()).is_empty());
    }

    #[test]
    fn next_must_stay_on_origin() {
        let cur = Url::parse("https://acme.okta.com/api/v1/users?limit=2").unwrap();
        assert_eq!(
            resolve_next(&cur, "https://acme.okta.com/api/v1/users?after=x").unwrap().as_str(),
            "https://acme.okta.com/api/v1/users?after=x"
        );
        assert_eq!(resolve_next(&cur, "/api/v1/users?after=y").unwrap().as_str(), "https://acme.okta.com/api/v1/users?after=y");
        assert!(resolve_next(&cur, "https://evil.example.com/api/v1/users").is_err());
        assert!(resolve_next(&cur, "http://acme.okta.com/api/v1/users").is_err());
        assert!(resolve_next(&cur, "https://acme.okta.com:8443/api/v1/users").is_err());
    }
}
