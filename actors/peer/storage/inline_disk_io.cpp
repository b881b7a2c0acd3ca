#include "actors/peer/storage/inline_disk_io.hpp"

#include <cassert>

namespace swarmlab::peer::storage {

asio::awaitable<error_code> InlineDiskIo::execute(std::shared_ptr<DiskJob> job) {
  assert(job != nullptr);
  job->run(storage());
  co_return error_code{};
}

}  // namespace swarmlab::peer::storage
