// libFuzzer target: .torrent parsing. Whatever parses must re-encode to a torrent with the same
// info-hash, and its last piece must map onto file ranges of exactly the piece's size.
#include "protocol/metainfo.hpp"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace protocol = swarmlab::protocol;
  const auto metainfo =
      protocol::parse_metainfo(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!metainfo) return 0;
  const auto again = protocol::parse_metainfo(protocol::encode_torrent_file(*metainfo));
  assert(again && again->info_hash == metainfo->info_hash);
  const std::uint32_t last = metainfo->piece_count() - 1;
  std::int64_t mapped = 0;
  for (const auto& slice : metainfo->map_piece(last))
    mapped += slice.length;
  assert(mapped == metainfo->piece_size(last));
  return 0;
}
