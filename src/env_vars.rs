//! Every environment variable oktagraph reads (SPEC §5), named once.

pub const OKTA_ORG_URL: &str = "OKTA_ORG_URL";
pub const OKTA_API_TOKEN: &str = "OKTA_API_TOKEN";
pub const NEO4J_URI: &str = "NEO4J_URI";
pub const NEO4J_USER: &str = "NEO4J_USER";
pub const NEO4J_PASSWORD: &str = "NEO4J_PASSWORD";
pub const NEO4J_DATABASE: &str = "NEO4J_DATABASE";
pub const OKTAGRAPH_CONFIG: &str = "OKTAGRAPH_CONFIG";
pub const OKTAGRAPH_LOG: &str = "OKTAGRAPH_LOG";

pub const DEFAULT_NEO4J_URI: &str = "bolt://127.0.0.1:7687";
pub const DEFAULT_NEO4J_USER: &str = "neo4j";
pub const DEFAULT_NEO4J_DATABASE: &str = "neo4j";
