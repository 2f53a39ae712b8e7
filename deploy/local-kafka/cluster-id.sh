# The local broker's cluster id; sourced by kafka.sh.
#   new_cluster_id           print a fresh cluster id
#   valid_cluster_id ID      whether ID can be given to the storage tool
#   ensure_cluster_id FILE   keep FILE's cluster id if it is valid, else write a fresh one there
#
# Ids are made as Kafka's own Uuid.randomUuid() makes them (what `kafka-storage random-uuid`
# prints): 16 random bytes in base64url without padding, drawn again while the text begins with
# '-' (a command line reads it as an option: one random id in 64 does) or is one of the two ids
# Kafka reserves (all zeros, and the metadata topic's 0...01).

# 16 random bytes, base64url without padding: 22 characters.
cluster_id_candidate() {
  local id
  id="$(head -c 16 /dev/urandom | base64)"
  id="${id//+/-}"
  id="${id//\//_}"
  echo "${id%%=*}"
}

valid_cluster_id() {
  [[ "$1" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]{20}[AQgw]$ ]] &&
    [[ "$1" != AAAAAAAAAAAAAAAAAAAAAA && "$1" != AAAAAAAAAAAAAAAAAAAAAQ ]]
}

new_cluster_id() {
  local id
  id="$(cluster_id_candidate)"
  until valid_cluster_id "$id"; do
    id="$(cluster_id_candidate)"
  done
  printf '%s' "$id"
}

# An id that cannot be used (an earlier version of this script could write one beginning with
# '-', after which every start failed) is replaced; the data is formatted with the id only once,
# and a bad id never formatted anything.
ensure_cluster_id() {
  local file=$1
  if [[ -s "$file" ]]; then
    local id
    id="$(cat "$file")"
    if valid_cluster_id "$id"; then
      return 0
    fi
    echo "kafka: replacing the unusable cluster id '$id' in $file" >&2
  fi
  new_cluster_id >"$file"
}
