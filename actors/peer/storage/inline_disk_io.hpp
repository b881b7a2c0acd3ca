// InlineDiskIo: runs each storage operation at once, on the calling coroutine, and completes
// without suspending, so nothing else runs in between and a simulated run stays deterministic.
// Used in the simulator (memory and phantom storage), where nothing blocks.
#pragma once

#include "actors/peer/storage/disk_io.hpp"

namespace swarmlab::peer::storage {

class InlineDiskIo final : public DiskIo {
 public:
  using DiskIo::DiskIo;
  bool completes_inline() const override { return true; }

 protected:
  asio::awaitable<error_code> execute(std::shared_ptr<DiskJob> job) override;
};

}  // namespace swarmlab::peer::storage
