// The storage layout of a parsed torrent: the one place where protocol::Metainfo meets the
// storage's own plain input (layout.hpp).
#pragma once

#include "actors/peer/storage/layout.hpp"
#include "protocol/metainfo.hpp"

#include <memory>

namespace swarmlab::peer::storage {

// Name, piece length, files (paths below the torrent's folder, lengths, offsets, BEP 47 padding)
// and piece hashes. The metainfo parser's checks imply a sound layout (its limits are within the
// storage's, asserted at compile time), so the result is asserted, not reported.
std::shared_ptr<const StorageLayout> make_storage_layout(const protocol::Metainfo& metainfo);

}  // namespace swarmlab::peer::storage
