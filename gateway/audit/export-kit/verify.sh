#!/bin/sh
# Checks a jiuzhu audit export with a POSIX shell and the openssl command alone (OpenSSL 3.0 or later).
# Run it in the export's folder:  sh verify.sh
# Prints what it checked and exits 0, or names the first entry or checkpoint that fails and exits 1.
# One openssl process per entry, so it is slow: tens of entries a second (docs/audit-log.md).
set -u
case $0 in */*) cd "${0%/*}" || exit 2 ;; esac

fail() {
  printf 'verify.sh: %s\n' "$*" >&2
  exit 1
}

# SM3 of standard input, as 64 hex digits.
sm3() {
  sm3_out=$(openssl dgst -sm3 -r) || fail 'openssl dgst -sm3 failed: is this OpenSSL built with SM3?'
  printf '%s' "${sm3_out%% *}"
}

# 1. Each public key is the one its file is named after: the first 16 hex digits of SM3 over its DER form.
#    Compare these fingerprints with the ones the office gave you by another channel.
for key in keys/*.pem; do
  [ -f "$key" ] || fail 'no public key in keys/'
  name=${key#keys/}
  name=${name%.pem}
  fingerprint=$(openssl pkey -pubin -in "$key" -outform DER | sm3)
  fingerprint=${fingerprint%"${fingerprint#????????????????}"}
  [ "$fingerprint" = "$name" ] || fail "$key is not key $name: its fingerprint is $fingerprint"
  printf 'key %s\n' "$name"
done

# 2. The checkpoint filed under position $1, if there is one: it names that position, and its signature
#    verifies with the key it names (SM2 with SM3, the GM/T 0009 default ID). Sets checkpoint_head.
checkpoint() {
  # Padded to twelve digits with builtins only: this runs for every entry, and a subshell would cost a process.
  file=$1
  while [ ${#file} -lt 12 ]; do file=0$file; done
  file=checkpoints/$file
  [ -f "$file.txt" ] || return 1
  version='' checkpoint_position='' checkpoint_head='' checkpoint_time='' checkpoint_key=''
  {
    IFS= read -r version
    while read -r field value; do
      case $field in
        position) checkpoint_position=$value ;;
        head) checkpoint_head=$value ;;
        time) checkpoint_time=$value ;;
        key) checkpoint_key=$value ;;
      esac
    done
  } < "$file.txt"
  [ "$version" = 'jiuzhu audit checkpoint v1' ] || fail "$file.txt is not a jiuzhu audit checkpoint v1"
  [ "$checkpoint_position" = "$1" ] || fail "$file.txt signs position $checkpoint_position, not $1"
  [ -f "keys/$checkpoint_key.pem" ] || fail "checkpoint $1 is signed by key $checkpoint_key, which is not in keys/"
  openssl pkeyutl -verify -pubin -inkey "keys/$checkpoint_key.pem" -rawin -digest sm3 -pkeyopt distid:1234567812345678 \
    -in "$file.txt" -sigfile "$file.sig" > /dev/null 2>&1 ||
    fail "the signature of checkpoint $1 does not verify with key $checkpoint_key: $file.txt or $file.sig was changed"
  printf 'checkpoint %s signed %s by key %s\n' "$1" "$checkpoint_time" "$checkpoint_key"
}

# 3. The chain: from the head signed just before the first entry (64 zeros before position 1), each line of
#    entries.ndjson is hashed as SM3(previous hash as 64 hex digits, then the line without its newline),
#    and every checkpoint on the way must sign the hash reached at its position.
first='' last=''
while read -r field value; do
  case $field in
    first) first=$value ;;
    last) last=$value ;;
  esac
done < range.txt
[ -n "$first" ] && [ -n "$last" ] || fail 'range.txt names no first and last position'
if [ "$first" -eq 1 ]; then
  previous=0000000000000000000000000000000000000000000000000000000000000000
else
  checkpoint $((first - 1)) || fail "no checkpoint at position $((first - 1)), just before the first entry"
  previous=$checkpoint_head
fi

position=$first
signed=''
checkpoints=0
while IFS= read -r line <&3; do
  IFS= read -r listed <&4 || listed=''
  hash=$(printf '%s%s' "$previous" "$line" | openssl dgst -sm3 -r) || fail 'openssl dgst -sm3 failed: is this OpenSSL built with SM3?'
  hash=${hash%% *}
  [ "$hash" = "$listed" ] ||
    fail "the entry at position $position (line $((position - first + 1)) of entries.ndjson) does not hash to line $((position - first + 1)) of hashes.txt: it, or an entry before it, was changed"
  if checkpoint "$position"; then
    [ "$checkpoint_head" = "$hash" ] || fail "the entries up to position $position do not hash to the head checkpoint $position signs"
    signed=$position
    checkpoints=$((checkpoints + 1))
  fi
  previous=$hash
  position=$((position + 1))
done 3< entries.ndjson 4< hashes.txt

[ $((position - 1)) -eq "$last" ] || fail "entries.ndjson ends at position $((position - 1)), but range.txt says $last"
[ "$signed" = "$last" ] || fail "no checkpoint signs the last entry, at position $last"
printf 'OK: entries %s to %s form one chain, signed by %s checkpoints, the last at position %s\n' "$first" "$last" "$checkpoints" "$last"
