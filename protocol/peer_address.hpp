// An IPv4 or IPv6 address with a port, as the protocol layer sees it (no Asio here), and its
// compact forms: 6 bytes for IPv4 (BEP 23) and 18 bytes for IPv6 (BEP 7), address then port,
// big-endian.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace swarmlab::protocol {

inline constexpr std::size_t compact_ipv4_size_bytes = 6;
inline constexpr std::size_t compact_ipv6_size_bytes = 18;

struct PeerAddress {
  enum class Family : std::uint8_t { ipv4, ipv6 };

  Family family = Family::ipv4;
  // IPv4 uses the first 4 bytes; the rest stay zero so that comparison is well defined.
  std::array<std::uint8_t, 16> address{};
  std::uint16_t port = 0;

  static PeerAddress ipv4(std::array<std::uint8_t, 4> address, std::uint16_t port);
  static PeerAddress ipv6(std::array<std::uint8_t, 16> address, std::uint16_t port);

  bool is_ipv4() const { return family == Family::ipv4; }
  std::span<const std::uint8_t> address_bytes() const;
  // "1.2.3.4:80" or "[::1]:80".
  std::string to_string() const;
  // Accepts "1.2.3.4:80" and "[::1]:80" (the forms of BEP 9's x.pe); nullopt otherwise.
  static std::optional<PeerAddress> parse(std::string_view text);

  friend auto operator<=>(const PeerAddress&, const PeerAddress&) = default;
};

// Appends the 6- or 18-byte compact form.
void append_compact(std::string& out, const PeerAddress& peer);
// Reads one compact entry of exactly 6 or 18 bytes.
std::optional<PeerAddress> parse_compact(std::span<const std::uint8_t> bytes);

}  // namespace swarmlab::protocol
