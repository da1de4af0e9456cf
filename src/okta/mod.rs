//! okta
