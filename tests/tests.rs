//! Integration tests: one binary, a module per area, all against the real Neo4j (and the simulator).

mod oracle;
mod oracle_catalog;
mod util;

mod account_identity;
mod cli;
mod config_load;
mod graph_basics;
mod graph_doc;
mod graph_only;
mod graph_writer;
mod incremental;
mod org_catalog;
mod policies;
mod queries_alerts;
mod reliability_hostile;
mod reliability_input;
mod reliability_neo4j;
mod reliability_okta;
mod reliability_secrets;
mod reliability_signals;
mod role_scopes;
mod soft_deleted_queries;
mod sync_e2e;
mod sync_lock;
