//! Integration tests: one binary, a module per area, all against the real Neo4j (and the simulator).

mod oracle;
mod util;

mod cli;
mod config_load;
mod graph_basics;
mod graph_doc;
mod graph_writer;
mod queries_alerts;
mod sync_e2e;
mod reliability_okta;
mod reliability_input;
mod reliability_secrets;
mod reliability_signals;
mod reliability_hostile;
mod reliability_neo4j;
mod sync_lock;
mod soft_deleted_queries;
mod graph_only;
