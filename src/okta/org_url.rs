//! Validation and normalization of the Okta org URL (pure).

use std::net::IpAddr;

use url::{Host, Url};

use super::error::OktaError;

/// A validated org URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUrl {
    /// `scheme://host[:port]/`, always ending in `/`.
    pub base: Url,
    /// Lower-cased host, plus `:port` when the URL names a non-default port.
    pub host: String,
    /// First label of the host (`acme` for `acme.okta.com`), or the whole host for IP addresses.
    pub subdomain: String,
}

fn bad(input: &str, why: &str) -> OktaError {
    OktaError::Config(format!("invalid Okta org URL {input:?}: {why}"))
}

/// Validate an org URL as a user would type it and return its normalized form.
///
/// Accepts `acme.okta.com`, `https://acme.okta.com` and `https://acme.okta.com/`. Only https, except
/// that plain http is allowed for loopback hosts (the local simulator). Rejects paths, queries,
/// fragments, userinfo, empty or invalid hosts and other schemes.
pub(crate) fn normalize_org_url(input: &str) -> Result<OrgUrl, OktaError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(bad(input, "it is empty"));
    }
    let with_scheme = if trimmed.contains("://") { trimmed.to_owned() } else { format!("https://{trimmed}") };
    let url = Url::parse(&with_scheme).map_err(|e| bad(input, &format!("{e}")))?;

    let host = match url.host() {
        None => return Err(bad(input, "it has no host")),
        Some(Host::Domain("")) => return Err(bad(input, "it has no host")),
        Some(h) => h.to_owned(),
    };
    let loopback = match &host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(bad(input, "plain http is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost); use https")),
        other => return Err(bad(input, &format!("unsupported scheme {other:?}; use https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(input, "it must not contain a user name or password"));
    }
    if url.path() != "/" && !url.path().is_empty() {
        return Err(bad(input, "it must not have a path; give only the org host, e.g. https://acme.okta.com"));
    }
    if url.query().is_some() {
        return Err(bad(input, "it must not have a query string"));
    }
    if url.fragment().is_some() {
        return Err(bad(input, "it must not have a fragment"));
    }
    if let Host::Domain(d) = &host {
        validate_domain(d).map_err(|why| bad(input, &why))?;
    }

    let host_str = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let subdomain = match &host {
        Host::Domain(_) => host_str.split('.').next().unwrap_or_default().to_owned(),
        _ => host_str.clone(),
    };
    let host_port = match url.port() {
        Some(p) => format!("{host_str}:{p}"),
        None => host_str,
    };
    let base = Url::parse(&format!("{}://{}/", url.scheme(), host_port)).map_err(|e| bad(input, &format!("{e}")))?;
    Ok(OrgUrl { base, host: host_port, subdomain })
}

/// DNS host name rules (LDH labels); the url crate accepts far more than DNS does.
fn validate_domain(d: &str) -> Result<(), String> {
    let d = d.strip_suffix('.').unwrap_or(d);
    if d.is_empty() || d.len() > 253 {
        return Err("the host name is empty or too long".into());
    }
    for label in d.split('.') {
        if label.is_empty() {
            return Err(format!("invalid host name {d:?}: empty label"));
        }
        if label.len() > 63 {
            return Err(format!("invalid host name {d:?}: label longer than 63 characters"));
        }
        if !label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(format!("invalid host name {d:?}: only letters, digits, '-' and '.' are allowed"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("invalid host name {d:?}: a label starts or ends with '-'"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> OrgUrl {
        normalize_org_url(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn err(s: &str) -> String {
        match normalize_org_url(s) {
            Ok(u) => panic!("{s} should be rejected, got {u:?}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn accepts_common_forms() {
        for s in ["acme.okta.com", "https://acme.okta.com", "https://acme.okta.com/", "  HTTPS://ACME.okta.com/ "] {
            let u = ok(s);
            assert_eq!(u.base.as_str(), "https://acme.okta.com/");
            assert_eq!(u.host, "acme.okta.com");
            assert_eq!(u.subdomain, "acme");
        }
    }

    #[test]
    fn loopback_http_and_ports() {
        let u = ok("http://127.0.0.1:8080");
        assert_eq!(u.base.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(u.host, "127.0.0.1:8080");
        assert_eq!(u.subdomain, "127.0.0.1");
        assert_eq!(ok("http://127.5.0.9:1/").host, "127.5.0.9:1");
        assert_eq!(ok("http://localhost:9000").host, "localhost:9000");
        let v6 = ok("http://[::1]:9000/");
        assert_eq!(v6.host, "[::1]:9000");
        assert_eq!(v6.subdomain, "[::1]");
        assert_eq!(ok("https://acme.okta.com:8443").host, "acme.okta.com:8443");
        // The default port is not "named" once normalized.
        assert_eq!(ok("https://acme.okta.com:443").host, "acme.okta.com");
    }

    #[test]
    fn rejects_with_clear_messages() {
        assert!(err("http://acme.okta.com").contains("plain http"));
        assert!(err("http://10.0.0.1").contains("plain http"));
        assert!(err("ftp://acme.okta.com").contains("unsupported scheme"));
        assert!(err("https://acme.okta.com/api/v1").contains("path"));
        assert!(err("https://acme.okta.com/?x=1").contains("query"));
        assert!(err("https://acme.okta.com/#frag").contains("fragment"));
        assert!(err("https://user:pw@acme.okta.com").contains("user name"));
        assert!(err("https://user@acme.okta.com").contains("user name"));
        assert!(err("").contains("empty"));
        assert!(err("https://").contains("invalid Okta org URL"));
        assert!(err("https://acme..okta.com").contains("empty label"));
        assert!(err("https://acme_x.okta.com").contains("invalid host"));
        assert!(err("https://-acme.okta.com").contains("'-'"));
    }
}
