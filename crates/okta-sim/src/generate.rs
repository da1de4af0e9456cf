//! Deterministic org generator.
//!
//! Everything is drawn from one `StdRng` seeded with `spec.seed`. Times are relative to an anchor,
//! the start of the current UTC day, so that the same (users, seed) gives the same org all day long
//! while the System Log still lines up with the real clock (90-day retention is checked against "now").

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::model::*;
use super::OrgSpec;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub(crate) fn alnum(rng: &mut impl Rng, n: usize) -> String {
    (0..n).map(|_| ALNUM[rng.gen_range(0..ALNUM.len())] as char).collect()
}

pub(crate) fn okta_id(rng: &mut impl Rng, prefix: &str) -> String {
    let mut s = String::with_capacity(20);
    s.push_str(prefix);
    s.push_str(&alnum(rng, 20 - prefix.len()));
    s
}

pub(crate) const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Wei",
    "Priya",
    "Ahmed",
    "Fatima",
    "Hiroshi",
    "Yuki",
    "Olga",
    "Ivan",
    "Lucía",
    "Mateo",
    "Chloé",
    "Lars",
    "Ingrid",
    "Kwame",
    "Amara",
    "Noah",
    "Emma",
    "Liam",
    "Olivia",
    "Aarav",
    "Sofia",
    "Diego",
    "Zoe",
    "Ethan",
    "Maya",
    "Omar",
    "Leila",
    "Kai",
    "Nina",
    "Raj",
];
pub(crate) const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Chen",
    "Wang",
    "Kumar",
    "Singh",
    "Tanaka",
    "Sato",
    "Ivanova",
    "Müller",
    "Schmidt",
    "O'Brien",
    "Nguyen",
    "Kim",
    "Park",
    "Okafor",
    "Mensah",
    "Haddad",
    "Rossi",
    "Dubois",
    "Jansen",
    "Novak",
];
pub(crate) const DEPTS: &[&str] =
    &["Engineering", "Sales", "Marketing", "Finance", "Human Resources", "Legal", "Support", "IT", "Operations", "Product"];
pub(crate) const TITLES: &[&str] =
    &["Engineer", "Senior Engineer", "Manager", "Director", "Analyst", "Specialist", "Coordinator", "Vice President", "Associate", "Lead"];
const SKILLS: &[&str] = &["rust", "go", "python", "sql", "negotiation", "excel", "kubernetes", "design", "writing"];
pub(crate) const TEAMS: &[&str] = &[
    "Platform",
    "Payments",
    "EMEA",
    "APAC",
    "Americas",
    "Oncall",
    "Security",
    "Data",
    "Interns",
    "Leadership",
    "Admins",
    "VPN Users",
    "Contractors",
    "Release",
    "Mobile",
    "Web",
];

fn ago(anchor: DateTime<Utc>, rng: &mut impl Rng, min_days: i64, max_days: i64) -> DateTime<Utc> {
    let secs = rng.gen_range(min_days * 86_400..=max_days * 86_400);
    anchor - Duration::seconds(secs)
}

fn between(rng: &mut impl Rng, a: DateTime<Utc>, b: DateTime<Utc>) -> DateTime<Utc> {
    let span = (b - a).num_seconds();
    if span <= 0 {
        return a;
    }
    a + Duration::seconds(rng.gen_range(0..=span))
}

/// Start of the current UTC day.
pub(crate) fn anchor_now() -> DateTime<Utc> {
    let now = Utc::now();
    now.date_naive().and_hms_opt(0, 0, 0).expect("midnight").and_utc()
}

pub(crate) struct AppTemplate {
    pub(crate) name: &'static str,
    pub(crate) label: &'static str,
    pub(crate) mode: &'static str,
}

pub(crate) const APP_TEMPLATES: &[AppTemplate] = &[
    AppTemplate { name: "amazon_aws", label: "AWS Account Federation", mode: "SAML_2_0" },
    AppTemplate { name: "slack", label: "Slack", mode: "SAML_2_0" },
    AppTemplate { name: "github", label: "GitHub Enterprise Cloud", mode: "SAML_2_0" },
    AppTemplate { name: "oidc_client", label: "Internal Portal", mode: "OPENID_CONNECT" },
    AppTemplate { name: "bookmark", label: "Benefits Bookmark", mode: "BOOKMARK" },
    AppTemplate { name: "salesforce", label: "Salesforce.com", mode: "SAML_2_0" },
    AppTemplate { name: "zoomus", label: "Zoom", mode: "SAML_2_0" },
    AppTemplate { name: "template_swa", label: "Legacy Wiki", mode: "BROWSER_PLUGIN" },
    AppTemplate { name: "google", label: "Google Workspace", mode: "SAML_2_0" },
    AppTemplate { name: "box", label: "Box", mode: "SAML_2_0" },
    AppTemplate { name: "scim2testapp", label: "HR Connector", mode: "AUTO_LOGIN" },
    AppTemplate { name: "jira_onprem", label: "Jira", mode: "SECURE_PASSWORD_STORE" },
    AppTemplate { name: "office365", label: "Microsoft Office 365", mode: "WS_FEDERATION" },
    AppTemplate { name: "oidc_client", label: "Build Service", mode: "OPENID_CONNECT" },
    AppTemplate { name: "zendesk", label: "Zendesk", mode: "BASIC_AUTH" },
];

pub(crate) fn aws_roles(rng: &mut impl Rng) -> Vec<String> {
    let forms = [
        "arn:aws:iam::123456789012:role/Admin",
        "arn:aws:iam::123456789012:role/ReadOnly",
        "arn:aws:iam::210987654321:role/Developer",
        "Prod -- ReadOnly",
        "Prod -- Admin",
        "[dev-alias] -- Dev",
        "[staging] -- PowerUser",
    ];
    let n = rng.gen_range(1..=3);
    let mut v: Vec<String> = forms.choose_multiple(rng, n).map(|s| s.to_string()).collect();
    v.sort();
    v
}

pub(crate) fn app_settings(t: &AppTemplate, rng: &mut impl Rng, idx: usize) -> Value {
    let app = match t.name {
        "amazon_aws" => json!({
            "awsEnvironmentType": "aws.amazon",
            "identityProviderArn": if idx == 0 { "arn:aws:iam::123456789012:saml-provider/Okta".to_string() }
                                   else { format!("arn:aws:iam::{:012}:saml-provider/Okta", 100_000_000_000u64 + idx as u64) },
            "sessionDuration": 3600,
            "joinAllRoles": false,
            "useGroupMapping": false,
            "groupFilter": "aws_(?{{accountid}}\\d+)_(?{{role}}[a-zA-Z0-9+=,.@\\-_]+)",
            "roleValuePattern": "arn:aws:iam::${accountid}:saml-provider/OKTA,arn:aws:iam::${accountid}:role/${role}",
            "loginURL": "https://console.aws.amazon.com/ec2/home",
            "appFilter": "okta",
            "webSSOAllowedClient": null,
            "secretKey": null,
            "accessKey": null
        }),
        "slack" => json!({"domain": format!("acme{idx}.slack.com"), "userEmailValue": "false"}),
        "github" => json!({"githubOrg": format!("acme-{idx}")}),
        "bookmark" => json!({"requestIntegration": false, "url": "https://benefits.example.com/"}),
        "salesforce" => json!({"instanceType": "PRODUCTION", "integrationType": "STANDARD", "loginUrl": "https://acme.my.salesforce.com"}),
        "zendesk" => json!({"companySubdomain": "acme"}),
        "template_swa" => {
            json!({"buttonField": "btn-login", "passwordField": "#password", "usernameField": "#username", "url": "https://wiki.example.com/login"})
        }
        _ => {
            if rng.gen_bool(0.5) {
                json!({})
            } else {
                json!({"appAccountId": format!("{}", rng.gen_range(100000..999999))})
            }
        }
    };
    let mut settings = json!({
        "app": app,
        "notifications": {"vpn": {"network": {"connection": "DISABLED"}, "message": null, "helpUrl": null}},
        "manualProvisioning": false,
        "implicitAssignment": false,
    });
    if t.mode == "SAML_2_0" {
        settings["signOn"] = json!({"defaultRelayState": "", "ssoAcsUrlOverride": null});
    }
    if t.mode == "OPENID_CONNECT" {
        settings["oauthClient"] = json!({"grant_types": ["client_credentials"], "application_type": "service"});
    }
    settings
}

/// An app's `credentials` object for its sign-on mode.
pub(crate) fn app_credentials(rng: &mut impl Rng, mode: &str, id: &str) -> Value {
    match mode {
        "SAML_2_0" | "WS_FEDERATION" => json!({
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": alnum(rng, 43)},
        }),
        "OPENID_CONNECT" => json!({
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": alnum(rng, 43)},
            "oauthClient": {"autoKeyRotation": true, "client_id": id, "token_endpoint_auth_method": "private_key_jwt"},
        }),
        "BOOKMARK" => json!({"userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"}}),
        _ => json!({
            "scheme": "EDIT_USERNAME_AND_PASSWORD",
            "userNameTemplate": {"template": "${source.email}", "type": "BUILT_IN"},
            "revealPassword": false, "signing": {},
        }),
    }
}

/// Generates the org. Cost is roughly linear in `spec.users`.
pub(crate) fn generate(spec: &OrgSpec, base_url: &str) -> Org {
    let mut rng = StdRng::seed_from_u64(spec.seed ^ 0x6f6b_7461_6772_6170);
    let anchor = anchor_now();
    let n = spec.users;
    let host = url::Url::parse(base_url).ok().and_then(|u| u.host_str().map(str::to_string));
    let subdomain = host
        .filter(|h| h.contains('.') && h.parse::<std::net::IpAddr>().is_err())
        .map(|h| h.split('.').next().unwrap_or("acme").to_string())
        .unwrap_or_else(|| "oktagraph-sim".to_string());

    // ---- org settings ----
    let org_id = okta_id(&mut rng, "00o");
    let org_created = ago(anchor, &mut rng, 2000, 2500);
    let org_settings = json!({
        "id": org_id,
        "subdomain": subdomain,
        "companyName": "Acme Corporation (simulated)",
        "website": "https://acme.example.com",
        "status": "ACTIVE",
        "created": fmt_ts(&org_created),
        "lastUpdated": fmt_ts(&ago(anchor, &mut rng, 10, 300)),
        "expiresAt": null,
        "phoneNumber": "+1-415-555-0100",
        "supportPhoneNumber": "+1-415-555-0199",
        "endUserSupportHelpURL": "https://help.acme.example.com",
        "address1": "301 Brannan St",
        "address2": null,
        "city": "San Francisco",
        "state": "California",
        "country": "United States",
        "postalCode": "94107",
    });
    let okta_support = if rng.gen_bool(0.5) {
        json!({"support": "ENABLED", "expiration": fmt_ts(&(anchor + Duration::days(2))), "caseNumber": null})
    } else {
        json!({"support": "DISABLED", "expiration": null, "caseNumber": null})
    };

    // ---- users ----
    let type_id = okta_id(&mut rng, "oty");
    let user_ids: Vec<String> = (0..n).map(|_| okta_id(&mut rng, "00u")).collect();
    let cost_centers = (n / 50).max(10);
    let mut login_seen: HashMap<String, u32> = HashMap::with_capacity(n);
    let mut users: Vec<User> = Vec::with_capacity(n);
    for (i, id) in user_ids.iter().enumerate() {
        let roll = rng.gen_range(0..1000);
        let mut status = match roll {
            0..=849 => "ACTIVE",
            850..=899 => "DEPROVISIONED",
            900..=929 => "SUSPENDED",
            930..=949 => "STAGED",
            950..=969 => "PROVISIONED",
            970..=979 => "LOCKED_OUT",
            980..=989 => "PASSWORD_EXPIRED",
            _ => "RECOVERY",
        };
        if i < 3 {
            status = "ACTIVE"; // the first users become admins
        }
        // make sure small orgs still show every interesting status
        if n >= 12 {
            let forced = ["DEPROVISIONED", "SUSPENDED", "STAGED", "PROVISIONED", "LOCKED_OUT", "DEPROVISIONED"];
            if i >= n - forced.len() {
                status = forced[i - (n - forced.len())];
            }
        }
        let ut_roll = rng.gen_range(0..100);
        let user_type = match ut_roll {
            0..=89 => Some("Employee"),
            90..=91 => Some("service"),
            92 => Some("bot"),
            93 => Some("generic"),
            _ => None,
        };
        let machine = matches!(user_type, Some("service" | "bot" | "generic"));
        let dept = DEPTS[rng.gen_range(0..DEPTS.len())];
        let domain_roll = rng.gen_range(0..100);
        let domain = match domain_roll {
            0..=74 => "example.com",
            75..=89 => "acme.example",
            _ => "contractors.example.net",
        };
        let (first, last, local) = if machine {
            let kind = user_type.unwrap_or("service");
            let f = match kind {
                "bot" => "Bot",
                "generic" => "Shared",
                _ => "Service",
            };
            let l = format!("Account {i}");
            (f.to_string(), l, format!("{}-{}", &kind[..3], alnum(&mut rng, 6).to_lowercase()))
        } else {
            let f = FIRST[rng.gen_range(0..FIRST.len())];
            let l = LAST[rng.gen_range(0..LAST.len())];
            let local: String = format!("{}.{}", f, l).to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '.').collect();
            (f.to_string(), l.to_string(), local)
        };
        let mut login = format!("{local}@{domain}");
        let cnt = login_seen.entry(login.clone()).or_insert(0);
        *cnt += 1;
        if *cnt > 1 {
            login = format!("{local}{}@{domain}", *cnt);
        }
        let mut email = login.clone();
        let mut first = first;
        let mut last = last;
        // ~1% of people have a second (admin) account sharing the email of an earlier user
        if !machine && i > 5 && rng.gen_bool(0.01) {
            let j = rng.gen_range(0..i);
            let other = &users[j].profile;
            if other.user_type.as_deref() == Some("Employee") {
                first = other.first_name.clone();
                last = other.last_name.clone();
                email = other.email.to_lowercase();
                login = format!("{}.admin{}@{}", email.split('@').next().unwrap_or("x"), i, domain);
            }
        }
        // ~1% of users have upper-case emails
        if rng.gen_bool(0.01) {
            email = email.to_uppercase();
        }
        let created = ago(anchor, &mut rng, 20, 1800);
        let activated = if status == "STAGED" { None } else { Some(created + Duration::minutes(rng.gen_range(1..120))) };
        let status_changed = activated.map(|a| between(&mut rng, a, anchor - Duration::hours(1)));
        let never_logged_in = matches!(status, "STAGED" | "PROVISIONED") || rng.gen_bool(0.08);
        let last_login = if never_logged_in {
            None
        } else if status == "ACTIVE" && rng.gen_bool(0.15) {
            Some(between(&mut rng, created, anchor - Duration::days(91)).max(created))
        } else {
            Some(between(&mut rng, (anchor - Duration::days(30)).max(created), anchor))
        };
        let password_changed =
            if matches!(status, "STAGED" | "PROVISIONED") { None } else { Some(between(&mut rng, activated.unwrap_or(created), anchor)) };
        let last_updated = [Some(created), activated, status_changed, password_changed].into_iter().flatten().max().unwrap_or(created);
        let (manager_id, manager) = if !machine && i > 0 && rng.gen_bool(0.7) {
            let j = rng.gen_range(0..i);
            let m = &users[j];
            (Some(m.id.clone()), Some(format!("{} {}", m.profile.first_name, m.profile.last_name)))
        } else {
            (None, None)
        };
        let is_contractor = domain == "contractors.example.net";
        let skills = if machine || rng.gen_bool(0.3) {
            None
        } else {
            let k = rng.gen_range(0..=3);
            Some(SKILLS.choose_multiple(&mut rng, k).map(|s| s.to_string()).collect())
        };
        let github = if dept == "Engineering" && !machine && rng.gen_bool(0.8) { Some(local.replace('.', "-")) } else { None };
        let provider = match rng.gen_range(0..100) {
            0..=84 => Provider { kind: "OKTA".into(), name: "OKTA".into() },
            85..=94 => Provider { kind: "ACTIVE_DIRECTORY".into(), name: "acme.local".into() },
            _ => Provider { kind: "FEDERATION".into(), name: "FEDERATION".into() },
        };
        let profile = UserProfile {
            first_name: first.clone(),
            last_name: last.clone(),
            mobile_phone: if rng.gen_bool(0.4) { Some(format!("+1 415-555-{:04}", rng.gen_range(0..10000))) } else { None },
            second_email: None,
            login: login.clone(),
            email: email.clone(),
            display_name: if rng.gen_bool(0.5) { Some(format!("{first} {last}")) } else { None },
            user_type: user_type.map(str::to_string),
            department: if machine { None } else { Some(dept.to_string()) },
            title: if machine { None } else { Some(TITLES[rng.gen_range(0..TITLES.len())].to_string()) },
            employee_number: if machine { None } else { Some(format!("{}", 10_000 + i)) },
            manager,
            manager_id,
            cost_center: if rng.gen_bool(0.9) { Some(format!("CC-{:04}", 1000 + rng.gen_range(0..cost_centers))) } else { None },
            is_contractor: if machine { None } else { Some(is_contractor) },
            skills,
            github_username: github,
            extra: Map::new(),
        };
        let credentials = UserCredentials {
            password: if provider.kind == "FEDERATION" { None } else { Some(json!({})) },
            emails: vec![CredentialEmail {
                value: email,
                status: if status == "STAGED" { "UNVERIFIED".into() } else { "VERIFIED".into() },
                kind: "PRIMARY".into(),
            }],
            recovery_question: if provider.kind == "OKTA" && rng.gen_bool(0.6) {
                Some(RecoveryQuestion { question: "What is the food you least liked as a child?".into() })
            } else {
                None
            },
            provider,
        };
        users.push(User {
            id: id.clone(),
            status: status.to_string(),
            created,
            activated,
            status_changed,
            last_login,
            last_updated,
            password_changed,
            user_type: IdRef { id: type_id.clone() },
            profile,
            credentials,
        });
    }

    // ---- apps ----
    let n_apps = (n / 50).clamp(5, 300);
    let mut apps: Vec<App> = Vec::with_capacity(n_apps);
    let mut app_created_kind: Vec<u8> = Vec::with_capacity(n_apps); // 0 = old, 1 = create event, 2 = _new_ update event
    for a in 0..n_apps {
        let t = if a > 0 && a % 60 == 0 {
            &APP_TEMPLATES[0] // more AWS accounts in big orgs
        } else {
            &APP_TEMPLATES[a % APP_TEMPLATES.len()]
        };
        let label = if a < APP_TEMPLATES.len() { t.label.to_string() } else { format!("{} {}", t.label, a / APP_TEMPLATES.len() + 1) };
        let kind_roll: f64 = rng.gen();
        let kind = if kind_roll < 0.6 {
            1
        } else if kind_roll < 0.75 {
            2
        } else {
            0
        };
        let created = if kind == 0 { ago(anchor, &mut rng, 160, 1500) } else { ago(anchor, &mut rng, 1, 150) };
        let last_updated = between(&mut rng, created, anchor);
        let features: Vec<String> = match t.mode {
            "SAML_2_0" if rng.gen_bool(0.5) => vec!["PUSH_NEW_USERS".into(), "PUSH_USER_DEACTIVATION".into(), "GROUP_PUSH".into()],
            "AUTO_LOGIN" => vec!["IMPORT_NEW_USERS".into(), "PROFILE_MASTERING".into(), "SCIM_PROVISIONING".into()],
            _ => vec![],
        };
        let id = okta_id(&mut rng, "0oa");
        let credentials = app_credentials(&mut rng, t.mode, &id);
        apps.push(App {
            id,
            name: t.name.to_string(),
            label,
            status: if a == 0 || rng.gen_bool(0.85) { "ACTIVE".into() } else { "INACTIVE".into() },
            last_updated,
            created,
            accessibility: json!({"selfService": false, "errorRedirectUrl": null, "loginRedirectUrl": null}),
            visibility: json!({"autoSubmitToolbar": false, "hide": {"iOS": false, "web": false}, "appLinks": {}}),
            features,
            sign_on_mode: t.mode.to_string(),
            credentials,
            settings: app_settings(t, &mut rng, a),
        });
        app_created_kind.push(kind);
    }

    // ---- groups ----
    let mut groups: Vec<Group> = Vec::new();
    let mut members: Vec<BTreeSet<String>> = Vec::new();
    let everyone_created = org_created;
    let everyone_id = okta_id(&mut rng, "00g");
    groups.push(Group {
        id: everyone_id,
        created: everyone_created,
        last_updated: everyone_created,
        last_membership_updated: users.iter().map(|u| u.created).max().unwrap_or(everyone_created),
        object_class: vec!["okta:user_group".into()],
        kind: "BUILT_IN".into(),
        profile: GroupProfile { name: "Everyone".into(), description: Some("All users in your organization".into()), extra: Map::new() },
        source: None,
    });
    members.push(user_ids.iter().cloned().collect());
    let n_okta = (n / 20).max(5);
    let n_appg = n / 100;
    let mut name_seen: HashMap<String, u32> = HashMap::new();
    let mut sizes: Vec<usize> = Vec::new();
    let mut rank = 0usize;
    for g in 0..(n_okta + n_appg) {
        let is_app = g >= n_okta;
        let size = if g > 0 && rng.gen_bool(0.3) {
            0
        } else {
            rank += 1;
            // Zipf-like: a few big groups, many small ones
            let s = ((n as f64) * 0.35 / rank as f64).round() as usize;
            s.max(1).min(n)
        };
        sizes.push(size);
        let base_name = if is_app {
            format!("{} {}", ["aws", "sg", "ad", "ldap"][g % 4], TEAMS[rng.gen_range(0..TEAMS.len())].to_lowercase())
        } else if g < DEPTS.len() {
            DEPTS[g].to_string()
        } else {
            format!("{} - {}", DEPTS[rng.gen_range(0..DEPTS.len())], TEAMS[rng.gen_range(0..TEAMS.len())])
        };
        let c = name_seen.entry(base_name.clone()).or_insert(0);
        *c += 1;
        let name = if *c > 1 { format!("{base_name} {c}") } else { base_name };
        let created = ago(anchor, &mut rng, 30, 1500);
        let last_updated = between(&mut rng, created, anchor);
        let (object_class, source, profile) = if is_app {
            let app = &apps[rng.gen_range(0..apps.len())];
            let windows = g % 4 == 2;
            let mut extra = Map::new();
            if windows {
                extra.insert("samAccountName".into(), json!(name.replace(' ', "_")));
                extra.insert("dn".into(), json!(format!("CN={name},OU=Groups,DC=acme,DC=local")));
                extra.insert("windowsDomainQualifiedName".into(), json!(format!("ACME\\{}", name.replace(' ', "_"))));
                extra.insert("groupType".into(), json!("Security"));
                extra.insert("groupScope".into(), json!("Global"));
            }
            (
                vec![if windows { "okta:windows_security_principal" } else { "okta:user_group" }.to_string()],
                Some(IdRef { id: app.id.clone() }),
                GroupProfile { name, description: if windows { Some(String::new()) } else { None }, extra },
            )
        } else {
            let desc = if rng.gen_bool(0.7) { Some(format!("Members of {name}")) } else { None };
            (vec!["okta:user_group".into()], None, GroupProfile { name, description: desc, extra: Map::new() })
        };
        groups.push(Group {
            id: okta_id(&mut rng, "00g"),
            created,
            last_updated,
            last_membership_updated: between(&mut rng, created, anchor),
            object_class,
            kind: if is_app { "APP_GROUP".into() } else { "OKTA_GROUP".into() },
            profile,
            source,
        });
        let picked = rand::seq::index::sample(&mut rng, n, size.min(n));
        members.push(picked.into_iter().map(|i| user_ids[i].clone()).collect());
    }
    let okta_group_idx: Vec<usize> = (1..=n_okta).collect();

    // ---- group rules ----
    let n_rules = (n / 500).max(2);
    let mut rules: Vec<GroupRule> = Vec::with_capacity(n_rules);
    for r in 0..n_rules {
        let gi = okta_group_idx[rng.gen_range(0..okta_group_idx.len())];
        let created = ago(anchor, &mut rng, 10, 900);
        let active = r == 0 || rng.gen_bool(0.7);
        let (name, expr, cc) = if r == 1 {
            ("Engineering department".to_string(), "user.department==\"Engineering\"".to_string(), None)
        } else {
            let cc = format!("CC-{:04}", 1000 + rng.gen_range(0..cost_centers));
            (format!("Cost center {cc}"), format!("user.costCenter==\"{cc}\""), Some(cc))
        };
        let mut conditions = json!({"expression": {"value": expr, "type": "urn:okta:expression:1.0"}});
        let mut excluded: Option<&str> = None;
        if n > 0 && rng.gen_bool(0.3) {
            let x = &user_ids[rng.gen_range(0..n)];
            excluded = Some(x.as_str());
            conditions["people"] = json!({"users": {"exclude": [x]}, "groups": {"exclude": []}});
        }
        // an active rule's matches are members of the target group (the r==1 department rule stays INACTIVE)
        let active = active && r != 1;
        if active {
            if let Some(cc) = &cc {
                for u in &users {
                    if u.profile.cost_center.as_deref() == Some(cc.as_str()) && excluded != Some(u.id.as_str()) {
                        members[gi].insert(u.id.clone());
                    }
                }
            }
        }
        rules.push(GroupRule {
            kind: "group_rule".into(),
            id: okta_id(&mut rng, "0pr"),
            status: if active { "ACTIVE".into() } else { "INACTIVE".into() },
            name,
            created,
            last_updated: between(&mut rng, created, anchor),
            conditions,
            actions: json!({"assignUserToGroups": {"groupIds": [groups[gi].id.clone()]}}),
            all_groups_valid: true,
        });
    }

    // ---- app assignments ----
    let small_group_cap = (n / 100).max(50);
    let assignable_groups: Vec<usize> = (1..groups.len()).filter(|&g| members[g].len() <= small_group_cap).collect();
    let idx_of: HashMap<&str, usize> = user_ids.iter().enumerate().map(|(i, u)| (u.as_str(), i)).collect();
    let mut app_users: BTreeMap<String, IdMap<AppUser>> = BTreeMap::new();
    let mut app_groups: BTreeMap<String, IdMap<AppGroup>> = BTreeMap::new();
    for (a, app) in apps.iter().enumerate() {
        let aws = app.name == "amazon_aws";
        let mut au: IdMap<AppUser> = IdMap::default();
        let mut ag: IdMap<AppGroup> = IdMap::default();
        let n_groups = if assignable_groups.is_empty() { 0 } else { rng.gen_range(0..=2usize) + usize::from(aws) };
        for p in 0..n_groups {
            let gi = assignable_groups[rng.gen_range(0..assignable_groups.len())];
            let gid = groups[gi].id.clone();
            let profile = if aws {
                let roles = aws_roles(&mut rng);
                json!({"role": roles[0].clone(), "samlRoles": roles})
            } else {
                json!({})
            };
            ag.put(AppGroup {
                id: gid,
                last_updated: between(&mut rng, app.created, anchor),
                priority: p as i64,
                profile: profile.clone(),
            });
            for uid in &members[gi] {
                let u = &users[idx_of[uid.as_str()]];
                au.put(app_user(&mut rng, u, app, "GROUP", if aws { profile.clone() } else { json!({}) }, anchor));
            }
        }
        // direct assignments, Zipf-like over apps
        let direct = (((n as f64) * 0.25 / (a + 1) as f64).round() as usize).clamp(1, n.max(1)).min(n);
        for i in rand::seq::index::sample(&mut rng, n, direct) {
            let u = &users[i];
            let profile = if aws {
                if rng.gen_bool(0.8) {
                    let roles = aws_roles(&mut rng);
                    json!({"samlRoles": roles})
                } else {
                    json!({"role": "arn:aws:iam::123456789012:role/Developer"})
                }
            } else if rng.gen_bool(0.1) {
                json!({"role": "member", "department": u.profile.department})
            } else {
                json!({})
            };
            au.put(app_user(&mut rng, u, app, "USER", profile, anchor));
        }
        app_users.insert(app.id.clone(), au);
        app_groups.insert(app.id.clone(), ag);
    }

    // ---- factors ----
    let mut factors: BTreeMap<String, Vec<Factor>> = BTreeMap::new();
    for u in &users {
        if rng.gen_bool(0.25) || u.status == "STAGED" {
            continue;
        }
        let k = rng.gen_range(1..=3);
        let kinds = ["sms", "email", "push", "token:software:totp", "webauthn", "token:hotp", "question", "call"];
        let weights = [20, 15, 30, 20, 10, 2, 5, 3];
        let mut chosen: Vec<&str> = Vec::new();
        for _ in 0..k {
            let mut w = rng.gen_range(0..weights.iter().sum::<i32>());
            let mut idx = 0;
            while w >= weights[idx] {
                w -= weights[idx];
                idx += 1;
            }
            if !chosen.contains(&kinds[idx]) {
                chosen.push(kinds[idx]);
            }
        }
        let list: Vec<Factor> = chosen.into_iter().map(|kind| factor(&mut rng, kind, u, anchor)).collect();
        factors.insert(u.id.clone(), list);
    }

    // ---- roles ----
    let mut roles: Vec<RoleAssignment> = Vec::new();
    let active_users: Vec<usize> = (0..n).filter(|&i| users[i].status == "ACTIVE").collect();
    let role_user = |rng: &mut StdRng, fixed: Option<usize>| -> Option<usize> {
        fixed.filter(|&i| i < n).or_else(|| active_users.choose(rng).copied())
    };
    let n_super = (n / 5000).max(2).min(n);
    let mut spec_roles: Vec<(&str, Option<usize>)> = Vec::new();
    for s in 0..n_super {
        spec_roles.push(("SUPER_ADMIN", Some(s)));
    }
    spec_roles.push(("ORG_ADMIN", Some(2)));
    for _ in 0..(n / 10_000) {
        spec_roles.push(("ORG_ADMIN", None));
    }
    spec_roles.push(("APP_ADMIN", None));
    spec_roles.push(("APP_ADMIN", Some(2)));
    spec_roles.push(("READ_ONLY_ADMIN", None));
    for _ in 0..=(n / 5000) {
        spec_roles.push(("HELP_DESK_ADMIN", None));
    }
    spec_roles.push(("CUSTOM", None));
    let custom_role_id = okta_id(&mut rng, "cr0");
    let resource_set = okta_id(&mut rng, "iam");
    for (rt, fixed) in spec_roles {
        let Some(ui) = role_user(&mut rng, fixed) else { continue };
        let uid = users[ui].id.clone();
        if roles.iter().any(|r| r.assignee == uid && r.role_type == rt) {
            continue;
        }
        roles.push(role_assignment(&mut rng, rt, "USER", &uid, anchor, &custom_role_id, &resource_set));
    }
    // the second super admin has no MFA enrolled
    if n >= 2 {
        factors.remove(&users[1].id);
    }
    // group roles: 1-3 OKTA groups with members
    let candidates: Vec<usize> = okta_group_idx.iter().copied().filter(|&g| !members[g].is_empty()).collect();
    let n_group_roles = rng.gen_range(1..=3usize).min(candidates.len());
    for (k, &gi) in candidates.choose_multiple(&mut rng, n_group_roles).enumerate() {
        let rt = ["USER_ADMIN", "HELP_DESK_ADMIN", "APP_ADMIN"][k % 3];
        let gid = groups[gi].id.clone();
        roles.push(role_assignment(&mut rng, rt, "GROUP", &gid, anchor, &custom_role_id, &resource_set));
    }

    // ---- system log ----
    let admin_ids: Vec<usize> =
        roles.iter().filter(|r| r.assignment_type == "USER").filter_map(|r| user_ids.iter().position(|u| *u == r.assignee)).collect();
    let mut logs: Vec<Value> = Vec::new();
    for (a, app) in apps.iter().enumerate() {
        let kind = app_created_kind[a];
        if kind == 0 {
            continue;
        }
        let actor = pick_actor(&mut rng, &users, &admin_ids);
        let (event_type, uri, msg, legacy) = if kind == 1 {
            ("application.lifecycle.create", "/api/v1/apps".to_string(), "Add application", "app.generic.config.app_created")
        } else {
            (
                "application.lifecycle.update",
                format!("/admin/app/{}/instance/{}/_new_", app.name, app.id),
                "Update application",
                "app.generic.config.app_updated",
            )
        };
        let target = json!([{
            "id": app.id, "type": "AppInstance", "alternateId": app.label, "displayName": app.label,
            "detailEntry": {"signOnModeType": app.sign_on_mode}
        }]);
        logs.push(log_event(&mut rng, event_type, msg, legacy, actor, target, app.created, &uri));
    }
    let n_noise = (n / 2).clamp(30, 3000);
    for _ in 0..n_noise {
        let published = ago(anchor, &mut rng, 0, 150);
        let actor = pick_actor(&mut rng, &users, &admin_ids);
        let r = rng.gen_range(0..100);
        let ev = if r < 45 {
            ("user.session.start", "User login to Okta", "core.user_auth.login_success", json!([]), "/login/token/redirect".to_string())
        } else if r < 70 && !apps.is_empty() {
            let app = &apps[rng.gen_range(0..apps.len())];
            (
                "user.authentication.sso",
                "User single sign on to app",
                "app.auth.sso",
                json!([{"id": app.id, "type": "AppInstance", "alternateId": app.label, "displayName": app.label, "detailEntry": {"signOnModeType": app.sign_on_mode}}]),
                format!("/app/{}/{}/sso/saml", app.name, app.id),
            )
        } else if r < 85 && n > 0 {
            let u = &users[rng.gen_range(0..n)];
            let g = &groups[rng.gen_range(0..groups.len())];
            (
                "group.user_membership.add",
                "Add user to group membership",
                "core.user_group_member.user_add",
                json!([
                    {"id": u.id, "type": "User", "alternateId": u.profile.login, "displayName": format!("{} {}", u.profile.first_name, u.profile.last_name), "detailEntry": null},
                    {"id": g.id, "type": "UserGroup", "alternateId": "unknown", "displayName": g.profile.name, "detailEntry": null}
                ]),
                format!("/api/v1/groups/{}/users/{}", g.id, u.id),
            )
        } else if r < 95 && !apps.is_empty() {
            let app = &apps[rng.gen_range(0..apps.len())];
            (
                "application.lifecycle.update",
                "Update application",
                "app.generic.config.app_updated",
                json!([{"id": app.id, "type": "AppInstance", "alternateId": app.label, "displayName": app.label, "detailEntry": {"signOnModeType": app.sign_on_mode}}]),
                format!("/api/v1/apps/{}", app.id),
            )
        } else {
            ("policy.evaluate_sign_on", "Evaluation of sign-on policy", "", json!([]), "/login/do-login".to_string())
        };
        logs.push(log_event(&mut rng, ev.0, ev.1, ev.2, actor, ev.3, published, &ev.4));
    }

    let mut org = Org {
        base_url: base_url.trim_end_matches('/').to_string(),
        org: org_settings,
        okta_support,
        users: users.into_iter().collect(),
        groups: IdMap::default(),
        group_members: BTreeMap::new(),
        group_rules: rules.into_iter().collect(),
        apps: apps.into_iter().collect(),
        app_users,
        app_groups,
        factors,
        roles,
        logs,
        identity_engine: true,
        policies: Vec::new(),
        policy_rules: BTreeMap::new(),
        app_access_policies: BTreeMap::new(),
        role_targets: BTreeMap::new(),
        resource_sets: BTreeMap::new(),
        custom_roles: BTreeMap::new(),
        authenticators: Vec::new(),
        devices: Vec::new(),
        churn_deck: Vec::new(),
        catalog: Default::default(),
    };
    for (g, m) in groups.into_iter().zip(members) {
        org.group_members.insert(g.id.clone(), m);
        org.groups.put(g);
    }
    org.sort_logs();
    super::policies::generate(&mut org, spec);
    super::scopes::generate(&mut org, spec);
    super::catalog::generate(&mut org, spec, anchor);
    org
}

/// Whether the app provisions its users (`PUSH_NEW_USERS`): such app users get an `externalId` and a sync state.
pub(crate) fn pushes_users(app: &App) -> bool {
    app.features.iter().any(|f| f == "PUSH_NEW_USERS")
}

/// An app user's `status` for the user's status.
pub(crate) fn app_user_status(u: &User, app: &App) -> &'static str {
    match u.status.as_str() {
        "DEPROVISIONED" => "INACTIVE",
        "SUSPENDED" => "SUSPENDED",
        "STAGED" => "STAGED",
        _ => {
            if pushes_users(app) {
                "PROVISIONED"
            } else {
                "ACTIVE"
            }
        }
    }
}

fn app_user(rng: &mut StdRng, u: &User, app: &App, scope: &str, profile: Value, anchor: DateTime<Utc>) -> AppUser {
    let created = between(rng, app.created.max(u.created), anchor);
    let status = app_user_status(u, app);
    let provisioned = pushes_users(app);
    AppUser {
        id: u.id.clone(),
        external_id: if provisioned { Some(alnum(rng, 12)) } else { None },
        created,
        last_updated: created,
        scope: scope.to_string(),
        status: status.to_string(),
        status_changed: Some(created),
        password_changed: None,
        sync_state: if provisioned { "SYNCHRONIZED".into() } else { "DISABLED".into() },
        last_sync: if provisioned { Some(between(rng, created, anchor)) } else { None },
        credentials: Some(json!({"userName": u.profile.login})),
        profile,
    }
}

pub(crate) fn factor(rng: &mut StdRng, kind: &str, u: &User, anchor: DateTime<Utc>) -> Factor {
    let created = between(rng, u.activated.unwrap_or(u.created), anchor);
    let pending = rng.gen_bool(0.08);
    let (prefix, provider, profile) = match kind {
        "sms" => ("sms", "OKTA", json!({"phoneNumber": format!("+14155550{:03}", rng.gen_range(0..1000))})),
        "call" => ("clf", "OKTA", json!({"phoneNumber": format!("+14155551{:03}", rng.gen_range(0..1000)), "phoneExtension": null})),
        "email" => ("emf", "OKTA", json!({"email": u.profile.email})),
        "push" => {
            let ios = rng.gen_bool(0.6);
            (
                "opf",
                "OKTA",
                json!({
                    "credentialId": u.profile.login,
                    "deviceType": if ios { "SmartPhone_IPhone" } else { "SmartPhone_Android" },
                    "keys": [],
                    "name": format!("{}'s {}", u.profile.first_name, if ios { "iPhone" } else { "Pixel" }),
                    "platform": if ios { "IOS" } else { "ANDROID" },
                    "version": if ios { "17.2" } else { "34" },
                    "deviceToken": alnum(rng, 32),
                }),
            )
        }
        "token:software:totp" => {
            let google = rng.gen_bool(0.5);
            (if google { "uft" } else { "ost" }, if google { "GOOGLE" } else { "OKTA" }, json!({"credentialId": u.profile.login}))
        }
        "webauthn" => ("fwf", "FIDO", {
            let name = ["MacBook Touch ID", "YubiKey 5 NFC", "Windows Hello"][rng.gen_range(0..3)];
            json!({"credentialId": alnum(rng, 43), "authenticatorName": name})
        }),
        "token:hotp" => ("chf", "CUSTOM", json!({"credentialId": u.profile.login, "sharedSecret": alnum(rng, 32).to_uppercase()})),
        _ => ("ufs", "OKTA", json!({"question": "disliked_food", "questionText": "What is the food you least liked as a child?"})),
    };
    let vendor = if pending && kind == "token:software:totp" { None } else { Some(provider.to_string()) };
    Factor {
        id: okta_id(rng, prefix),
        factor_type: kind.to_string(),
        provider: provider.to_string(),
        vendor_name: vendor,
        status: if pending { "PENDING_ACTIVATION".into() } else { "ACTIVE".into() },
        created,
        last_updated: between(rng, created, anchor),
        profile,
    }
}

pub(crate) fn role_label(rt: &str) -> &'static str {
    match rt {
        "SUPER_ADMIN" => "Super Organization Administrator",
        "ORG_ADMIN" => "Organization Administrator",
        "APP_ADMIN" => "Application Administrator",
        "USER_ADMIN" => "Group Administrator",
        "HELP_DESK_ADMIN" => "Help Desk Administrator",
        "READ_ONLY_ADMIN" => "Read Only Administrator",
        "REPORT_ADMIN" => "Report Administrator",
        "CUSTOM" => "Access Reviewer",
        _ => "Administrator",
    }
}

pub(crate) fn role_assignment(
    rng: &mut StdRng,
    rt: &str,
    at: &str,
    assignee: &str,
    anchor: DateTime<Utc>,
    custom_role: &str,
    resource_set: &str,
) -> RoleAssignment {
    let created = ago(anchor, rng, 5, 700);
    let custom = rt == "CUSTOM";
    RoleAssignment {
        id: okta_id(rng, "ra1"),
        label: role_label(rt).to_string(),
        role_type: rt.to_string(),
        status: "ACTIVE".into(),
        created,
        last_updated: created,
        assignment_type: at.to_string(),
        assignee: assignee.to_string(),
        role: custom.then(|| custom_role.to_string()),
        resource_set: custom.then(|| resource_set.to_string()),
    }
}

fn pick_actor(rng: &mut StdRng, users: &[User], admins: &[usize]) -> Value {
    if users.is_empty() || rng.gen_bool(0.05) {
        // an actor that no longer exists in the org
        let id = okta_id(rng, "00u");
        return json!({"id": id, "type": "User", "alternateId": "former.admin@example.com", "displayName": "Former Admin", "detailEntry": null});
    }
    let i = if !admins.is_empty() && rng.gen_bool(0.8) { admins[rng.gen_range(0..admins.len())] } else { rng.gen_range(0..users.len()) };
    let u = &users[i];
    json!({
        "id": u.id, "type": "User", "alternateId": u.profile.login,
        "displayName": format!("{} {}", u.profile.first_name, u.profile.last_name), "detailEntry": null
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn log_event(
    rng: &mut StdRng,
    event_type: &str,
    msg: &str,
    legacy: &str,
    actor: Value,
    target: Value,
    published: DateTime<Utc>,
    uri: &str,
) -> Value {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    let uuid = uuid::Builder::from_random_bytes(b).into_uuid().to_string();
    let ip = format!("203.0.113.{}", rng.gen_range(1..255));
    let geo = json!({"city": "San Francisco", "state": "California", "country": "United States", "postalCode": "94107", "geolocation": {"lat": 37.7757, "lon": -122.3952}});
    json!({
        "actor": actor,
        "client": {
            "userAgent": {"rawUserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36", "os": "Mac OS X", "browser": "CHROME"},
            "zone": "null", "device": "Computer", "id": null, "ipAddress": ip, "geographicalContext": geo
        },
        "device": null,
        "authenticationContext": {"authenticationProvider": null, "credentialProvider": null, "credentialType": null, "issuer": null, "interface": null, "authenticationStep": 0, "externalSessionId": format!("102{}", alnum(rng, 22))},
        "displayMessage": msg,
        "eventType": event_type,
        "outcome": {"result": "SUCCESS", "reason": null},
        "published": fmt_ts(&published),
        "securityContext": {"asNumber": null, "asOrg": null, "isp": null, "domain": null, "isProxy": null},
        "severity": "INFO",
        "debugContext": {"debugData": {"requestId": alnum(rng, 26), "requestUri": uri, "url": uri}},
        "legacyEventType": if legacy.is_empty() { Value::Null } else { json!(legacy) },
        "transaction": {"type": "WEB", "id": alnum(rng, 26), "detail": {}},
        "uuid": uuid,
        "version": "0",
        "request": {"ipChain": [{"ip": ip, "geographicalContext": geo, "version": "V4", "source": null}]},
        "target": target,
    })
}
