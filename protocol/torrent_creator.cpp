// Torrent creation: source walk, parallel hashing, info dictionary, .torrent encoding.
#include "protocol/torrent_creator.hpp"

#include "protocol/bencode.hpp"

#include <bit>
#include <cassert>

namespace swarmlab::protocol {
namespace {

bool is_valid_piece_length(std::int64_t piece_length) {
  return piece_length >= piece_length_min && piece_length <= piece_length_max &&
         std::has_single_bit(static_cast<std::uint64_t>(piece_length));
}

void encode_file_list(bencode::Encoder& encoder, const TorrentSource& source) {
  encoder.key("files").begin_list();
  for (const SourceFile& file : source.files) {
    encoder.begin_dict();
    if (file.is_executable) encoder.key("attr").string("x");
    encoder.key("length").integer(file.length).key("path").begin_list();
    for (const std::string& component : file.components)
      encoder.string(component);
    encoder.end().end();
  }
  encoder.end();
}

}  // namespace

std::int64_t automatic_piece_length(std::int64_t total_size_bytes) {
  assert(total_size_bytes >= 0);
  std::int64_t piece_length = piece_length_min;
  while (piece_length < automatic_piece_length_max &&
         total_size_bytes > piece_length * automatic_piece_count_max) {
    piece_length *= 2;
  }
  assert(is_valid_piece_length(piece_length));
  return piece_length;
}

std::string encode_info_dictionary(const TorrentSource& source, std::int64_t piece_length,
                                   const std::vector<Sha1Digest>& piece_hashes, bool is_private) {
  assert(!source.files.empty());
  assert(piece_length > 0);
  std::string out;
  out.reserve(piece_hashes.size() * sha1_size_bytes + source.files.size() * 64 + 256);
  bencode::Encoder encoder(out);
  encoder.begin_dict();
  if (source.is_multi_file) {
    encode_file_list(encoder, source);
  } else {
    assert(source.files.size() == 1);
    if (source.files.front().is_executable) encoder.key("attr").string("x");
    encoder.key("length").integer(source.files.front().length);
  }
  encoder.key("name").string(source.name).key("piece length").integer(piece_length);
  std::string hashes;
  hashes.reserve(piece_hashes.size() * sha1_size_bytes);
  for (const Sha1Digest& digest : piece_hashes)
    hashes.append(digest.begin(), digest.end());
  encoder.key("pieces").string(hashes);
  if (is_private) encoder.key("private").integer(1);
  encoder.end();
  assert(encoder.depth() == 0);
  return out;
}

CreateResult<CreatedTorrent> create_torrent(const std::filesystem::path& source_path,
                                            const CreateOptions& options) {
  if (options.piece_length != 0 && !is_valid_piece_length(options.piece_length)) {
    return CreateError{make_error_code(CreateErrc::invalid_piece_length), source_path};
  }
  auto source = scan_source(source_path, options.file_order);
  if (!source) return source.error();
  const std::int64_t piece_length = options.piece_length != 0
                                        ? options.piece_length
                                        : automatic_piece_length(source->total_size_bytes);
  auto hashes =
      hash_pieces(source->files, HashOptions{piece_length, options.worker_count, options.progress});
  if (!hashes) return hashes.error();
  const std::string info =
      encode_info_dictionary(*source, piece_length, *hashes, options.is_private);
  // Our own output goes through the same validation as any other torrent.
  auto parsed = parse_info_dictionary(info);
  if (!parsed) {
    // Unreachable for names scan_source() accepted; reported rather than asserted to be safe.
    return CreateError{parsed.error().code, source_path};
  }
  CreatedTorrent created{std::move(*parsed), {}};
  Metainfo& metainfo = created.metainfo;
  assert(metainfo.total_size_bytes == source->total_size_bytes);
  assert(metainfo.files.size() == source->files.size());
  for (const std::string& tracker : options.trackers)
    metainfo.tracker_tiers.push_back({tracker});
  metainfo.url_list = options.url_list;
  metainfo.comment = options.comment;
  metainfo.created_by = options.created_by;
  metainfo.creation_date = options.creation_date;
  created.torrent_file = encode_torrent_file(metainfo);
  return created;
}

}  // namespace swarmlab::protocol
