# ACL policy for the snapshot agent. Create it and a token:
#   consul acl policy create -name consul-snapshot-agent -rules @snapshot-agent-policy.hcl
#   consul acl token create -description "snapshot agent" -policy-name consul-snapshot-agent
#
# Snapshots hold every ACL token and secret in the cluster, so Consul requires acl = "write".
acl = "write"

# The election lock (lock_key) and, beside it, the run status (<lock_key>-status).
key_prefix "consul-snapshot/lock" {
  policy = "write"
}

# Sessions are created on the node of the Consul agent the snapshot agent talks to; with one
# instance per server, allow every server node (or list them with `session "<node>"`).
session_prefix "" {
  policy = "write"
}

# Registration of the service and its health checks.
service "consul-snapshot" {
  policy = "write"
}

# `snapshot-studio agent status` reads the instances' checks and the file name needs the
# agent's version and datacenter.
node_prefix "" {
  policy = "read"
}
agent_prefix "" {
  policy = "read"
}
