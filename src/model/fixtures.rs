//! Real-shaped Okta API responses for the model's unit tests, from tests/fixtures/okta/ (its README names the
//! endpoint each file answers). A test that needs a variant loads a fixture and changes the one field it is
//! about, so the input stays an Okta response and the test says what differs.

use serde_json::Value;

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        /// The fixture `tests/fixtures/okta/{name}.json`, parsed.
        pub(super) fn fixture(name: &str) -> Value {
            let text = match name {
                $($name => include_str!(concat!("../../tests/fixtures/okta/", $name, ".json")),)*
                other => panic!("no fixture tests/fixtures/okta/{other}.json"),
            };
            serde_json::from_str(text).unwrap_or_else(|e| panic!("tests/fixtures/okta/{name}.json: {e}"))
        }
    };
}

fixtures!(
    "user",
    "group_everyone",
    "group_okta",
    "group_app_ad",
    "app_aws",
    "app_slack",
    "app_user_aws",
    "app_user_slack",
    "app_group_aws",
    "factors",
    "user_roles",
    "group_rule",
    "log_event_app_create",
    "org",
    "org_okta_support",
    "policies_sign_on",
    "policy_rules_sign_on",
    "policies_access",
    "policy_rules_access",
    "policies_password",
    "policies_mfa_enroll",
    "role_assignments",
    "role_group_targets",
    "role_app_targets",
    "resource_set_resources",
    "role_permissions",
    "authenticators",
    "devices",
    "idps",
    "trusted_origins",
    "zones",
    "api_tokens",
    "user_types",
    "log_streams",
    "event_hooks",
);

/// The item of a list fixture (a list endpoint's response) whose `field` is `value`.
pub(super) fn item(list_fixture: &str, field: &str, value: &str) -> Value {
    let list = fixture(list_fixture);
    let items = list.as_array().unwrap_or_else(|| panic!("{list_fixture}.json is not a list"));
    items.iter().find(|i| i[field] == value).cloned().unwrap_or_else(|| panic!("no {field} = {value} in {list_fixture}.json"))
}

/// `v` without the field `key` (an Okta object that lacks it).
pub(super) fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().expect("an object").remove(key).unwrap_or_else(|| panic!("the fixture has no {key}"));
    v
}
