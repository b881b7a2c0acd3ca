#include "actors/tracker/connection_ids.hpp"

#include "actors/tracker/limits.hpp"

#include <cassert>
#include <chrono>
#include <cstring>

namespace swarmlab::tracker {
namespace {

constexpr int time_bits = 16;
constexpr int tag_bits = 64 - time_bits;
constexpr std::uint64_t time_mask = (std::uint64_t{1} << time_bits) - 1;
constexpr std::uint64_t tag_mask = (std::uint64_t{1} << tag_bits) - 1;
constexpr std::int64_t lifetime_seconds =
    std::chrono::duration_cast<std::chrono::seconds>(limits::connection_id_lifetime).count();
static_assert(lifetime_seconds < (std::int64_t{1} << time_bits) / 2,
              "the issue time must be recoverable from its low bits");
// SHA-1 pads a message with at least 9 bytes into 64-byte blocks.
constexpr std::size_t sha1_one_block_input_bytes_max = 64 - 9;

std::int64_t whole_seconds(net::TimePoint now) {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

}  // namespace

ConnectionIds::ConnectionIds(net::Rng& rng) {
  rng.fill(secret_);
}

std::uint64_t ConnectionIds::tag(const protocol::PeerAddress& client,
                                 std::int64_t issued_seconds) const {
  // secret 32 | family 1 | address 16 | issue time mod 2^32 4: always 53 bytes, which with SHA-1's
  // padding fill exactly one block (one compression per id checked). The port is left out.
  std::array<std::uint8_t, 53> input{};
  static_assert(sizeof(input) <= sha1_one_block_input_bytes_max);
  std::memcpy(input.data(), secret_.data(), secret_.size());
  input[32] = static_cast<std::uint8_t>(client.family);
  std::memcpy(input.data() + 33, client.address.data(), client.address.size());
  const auto issued = static_cast<std::uint32_t>(issued_seconds);
  for (int byte = 0; byte < 4; ++byte) {
    input[49 + byte] = static_cast<std::uint8_t>(issued >> (24 - 8 * byte));
  }
  hasher_.update(input);
  const protocol::Sha1Digest digest = hasher_.finish();
  std::uint64_t value = 0;
  for (int byte = 0; byte < 8; ++byte)
    value = (value << 8) | digest[static_cast<std::size_t>(byte)];
  return value & tag_mask;
}

std::uint64_t ConnectionIds::issue(const protocol::PeerAddress& client, net::TimePoint now) const {
  const std::int64_t seconds = whole_seconds(now);
  assert(seconds >= 0);
  const std::uint64_t id =
      ((static_cast<std::uint64_t>(seconds) & time_mask) << tag_bits) | tag(client, seconds);
  assert(verify(id, client, now));
  return id;
}

bool ConnectionIds::verify(std::uint64_t connection_id, const protocol::PeerAddress& client,
                           net::TimePoint now) const {
  const std::int64_t seconds = whole_seconds(now);
  const std::uint64_t issued_low = connection_id >> tag_bits;
  const auto age =
      static_cast<std::int64_t>((static_cast<std::uint64_t>(seconds) - issued_low) & time_mask);
  if (age > lifetime_seconds) return false;
  const std::int64_t issued_seconds = seconds - age;
  if (issued_seconds < 0) return false;
  return tag(client, issued_seconds) == (connection_id & tag_mask);
}

}  // namespace swarmlab::tracker
