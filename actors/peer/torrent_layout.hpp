// The views of a torrent's geometry that the peer's parts need, all derived from one
// storage::StorageLayout: the layout from a parsed .torrent (or fetched metadata), the picker's
// PieceLayout, the wire decoder's PieceGeometry, and block references in each layer's terms. Part
// of actors/peer; pure values.
#pragma once

#include "actors/peer/piece_layout.hpp"
#include "actors/peer/storage/layout.hpp"
#include "actors/peer/types.hpp"
#include "protocol/metainfo.hpp"
#include "protocol/wire_decoder.hpp"

#include <optional>
#include <span>
#include <vector>

namespace swarmlab::peer {

// The storage layout of a v1 torrent (its files, piece length and hashes).
storage::StorageLayout storage_layout_from(const protocol::Metainfo& metainfo);

// Nullopt when the torrent is beyond the picker's limits (piece size or count).
std::optional<PieceLayout> piece_layout_from(const storage::StorageLayout& layout);
protocol::wire::PieceGeometry piece_geometry_from(const storage::StorageLayout& layout);

// A block as the storage and the observer name it (piece, byte offset, length).
record::BlockRef to_record_block(const PieceLayout& layout, BlockRef block);

// The blocks that lie wholly inside BEP 47 padding files, in order: zeros no peer needs to send.
std::vector<BlockRef> padding_blocks(const storage::StorageLayout& layout,
                                     const PieceLayout& pieces);

// Per-piece priorities from per-file ones (in the layout's file order); empty: all normal.
TypedVector<PieceIndex, Priority> piece_priorities_for(const storage::StorageLayout& layout,
                                                       const PieceLayout& pieces,
                                                       std::span<const Priority> file_priorities);

}  // namespace swarmlab::peer
