// SHA-1 digests (OpenSSL), the 20-byte identifiers built on them (info-hashes, peer ids, node ids),
// and hexadecimal conversion.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace swarmlab::protocol {

inline constexpr std::size_t sha1_size_bytes = 20;
using Sha1Digest = std::array<std::uint8_t, sha1_size_bytes>;

// A BitTorrent v1 info-hash: SHA-1 over the bencoded info dictionary.
using InfoHash = Sha1Digest;
// Peer ids and DHT node ids are 20 opaque bytes too, but are not digests of anything.
using PeerId = std::array<std::uint8_t, 20>;
using NodeId = std::array<std::uint8_t, 20>;

Sha1Digest sha1(std::span<const std::uint8_t> data);
Sha1Digest sha1(std::string_view data);

// Incremental hashing, for data that arrives in pieces (blocks of a piece, streamed files).
class Sha1Hasher {
 public:
  Sha1Hasher();
  ~Sha1Hasher();
  Sha1Hasher(Sha1Hasher&&) noexcept;
  Sha1Hasher& operator=(Sha1Hasher&&) noexcept;

  void update(std::span<const std::uint8_t> data);
  void update(std::string_view data);
  // Returns the digest and resets the hasher for reuse.
  Sha1Digest finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// Lower-case hexadecimal.
std::string to_hex(std::span<const std::uint8_t> bytes);
// Accepts upper and lower case; nullopt unless the text is exactly 2 * N hex digits.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> from_hex(std::string_view text);
extern template std::optional<std::array<std::uint8_t, 20>> from_hex<20>(std::string_view);
extern template std::optional<std::array<std::uint8_t, 32>> from_hex<32>(std::string_view);

}  // namespace swarmlab::protocol
