// oktagraph schema (docs/graph.md#conventions, #entities). Applied by `oktagraph schema` and before every sync; every statement is
// idempotent (IF NOT EXISTS). One uniqueness constraint on _key per node label, plus the indexes the
// sweep (per-account scans) and the example queries (email lookups) need.

CREATE CONSTRAINT okta_account_key IF NOT EXISTS FOR (n:okta_account) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_service_key IF NOT EXISTS FOR (n:okta_service) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_user_key IF NOT EXISTS FOR (n:okta_user) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_user_group_key IF NOT EXISTS FOR (n:okta_user_group) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_app_user_group_key IF NOT EXISTS FOR (n:okta_app_user_group) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_application_key IF NOT EXISTS FOR (n:okta_application) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT mfa_device_key IF NOT EXISTS FOR (n:mfa_device) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_role_key IF NOT EXISTS FOR (n:okta_role) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_rule_key IF NOT EXISTS FOR (n:okta_rule) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_identity_provider_key IF NOT EXISTS FOR (n:okta_identity_provider) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_trusted_origin_key IF NOT EXISTS FOR (n:okta_trusted_origin) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_network_zone_key IF NOT EXISTS FOR (n:okta_network_zone) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_api_token_key IF NOT EXISTS FOR (n:okta_api_token) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_user_type_key IF NOT EXISTS FOR (n:okta_user_type) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_log_stream_key IF NOT EXISTS FOR (n:okta_log_stream) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_event_hook_key IF NOT EXISTS FOR (n:okta_event_hook) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT employee_key IF NOT EXISTS FOR (n:employee) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT aws_iam_role_key IF NOT EXISTS FOR (n:aws_iam_role) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_policy_key IF NOT EXISTS FOR (n:okta_policy) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_policy_rule_key IF NOT EXISTS FOR (n:okta_policy_rule) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_authenticator_key IF NOT EXISTS FOR (n:okta_authenticator) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT okta_device_key IF NOT EXISTS FOR (n:okta_device) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT sync_run_key IF NOT EXISTS FOR (n:SyncRun) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT alert_state_key IF NOT EXISTS FOR (n:AlertState) REQUIRE n._key IS UNIQUE;
CREATE CONSTRAINT sync_lock_key IF NOT EXISTS FOR (n:SyncLock) REQUIRE n._key IS UNIQUE;

CREATE INDEX okta_service_account IF NOT EXISTS FOR (n:okta_service) ON (n._accountKey);
CREATE INDEX okta_user_account IF NOT EXISTS FOR (n:okta_user) ON (n._accountKey);
CREATE INDEX okta_user_group_account IF NOT EXISTS FOR (n:okta_user_group) ON (n._accountKey);
CREATE INDEX okta_app_user_group_account IF NOT EXISTS FOR (n:okta_app_user_group) ON (n._accountKey);
CREATE INDEX okta_application_account IF NOT EXISTS FOR (n:okta_application) ON (n._accountKey);
CREATE INDEX mfa_device_account IF NOT EXISTS FOR (n:mfa_device) ON (n._accountKey);
CREATE INDEX okta_role_account IF NOT EXISTS FOR (n:okta_role) ON (n._accountKey);
CREATE INDEX okta_rule_account IF NOT EXISTS FOR (n:okta_rule) ON (n._accountKey);
CREATE INDEX okta_policy_account IF NOT EXISTS FOR (n:okta_policy) ON (n._accountKey);
CREATE INDEX okta_policy_rule_account IF NOT EXISTS FOR (n:okta_policy_rule) ON (n._accountKey);
CREATE INDEX okta_authenticator_account IF NOT EXISTS FOR (n:okta_authenticator) ON (n._accountKey);
CREATE INDEX okta_device_account IF NOT EXISTS FOR (n:okta_device) ON (n._accountKey);
CREATE INDEX okta_identity_provider_account IF NOT EXISTS FOR (n:okta_identity_provider) ON (n._accountKey);
CREATE INDEX okta_trusted_origin_account IF NOT EXISTS FOR (n:okta_trusted_origin) ON (n._accountKey);
CREATE INDEX okta_network_zone_account IF NOT EXISTS FOR (n:okta_network_zone) ON (n._accountKey);
CREATE INDEX okta_api_token_account IF NOT EXISTS FOR (n:okta_api_token) ON (n._accountKey);
CREATE INDEX okta_user_type_account IF NOT EXISTS FOR (n:okta_user_type) ON (n._accountKey);
CREATE INDEX okta_log_stream_account IF NOT EXISTS FOR (n:okta_log_stream) ON (n._accountKey);
CREATE INDEX okta_event_hook_account IF NOT EXISTS FOR (n:okta_event_hook) ON (n._accountKey);
CREATE INDEX sync_run_account IF NOT EXISTS FOR (n:SyncRun) ON (n.accountKey);

CREATE INDEX okta_user_email IF NOT EXISTS FOR (n:okta_user) ON (n.email);
CREATE INDEX okta_user_login IF NOT EXISTS FOR (n:okta_user) ON (n.login);
CREATE INDEX okta_user_status IF NOT EXISTS FOR (n:okta_user) ON (n.status);
CREATE INDEX employee_email IF NOT EXISTS FOR (n:employee) ON (n.email);
CREATE INDEX okta_role_type IF NOT EXISTS FOR (n:okta_role) ON (n.roleType);
CREATE INDEX okta_application_name IF NOT EXISTS FOR (n:okta_application) ON (n.appName);
