"""Run verl's real engine code on a CPU: verl 0.9 ships platforms for CUDA, ROCm and NPU only, so the tests register
this one through verl's own platform hook (`set_platform`), and start the one-process gloo group verl's workers
expect. Nothing here replaces verl's behaviour: memory statistics read 0 and device calls are no-ops."""

from __future__ import annotations

import os
import socket
from contextlib import contextmanager

import torch
import torch.distributed as dist
from verl.plugin.platform.platform_base import PlatformBase
from verl.plugin.platform.platform_manager import set_platform


class CpuDeviceModule:
    """torch.cpu with the memory statistics verl's worker logs (all 0 on a CPU)."""

    def __getattr__(self, name):
        return getattr(torch.cpu, name)

    def memory_allocated(self, *args):
        return 0

    memory_reserved = max_memory_allocated = max_memory_reserved = memory_allocated

    def mem_get_info(self, *args):
        return 0, 0


class CpuPlatform(PlatformBase):
    """The CPU as a verl platform: gloo for collectives, no device memory, no profiler."""

    device_name = "cpu"
    vendor_name = "cpu"
    device_module = CpuDeviceModule()

    def is_available(self):
        return True

    def current_device(self):
        return "cpu"

    def device_count(self):
        return 1

    def set_device(self, device_index):
        pass

    def synchronize(self, device_index=None):
        pass

    def manual_seed(self, seed):
        torch.manual_seed(seed)

    manual_seed_all = manual_seed

    def set_allocator_settings(self, settings):
        pass

    def empty_cache(self):
        pass

    def get_device_capability(self, device_index=0):
        return None, None

    def communication_backend_name(self):
        return "gloo"

    def visible_devices_envvar(self):
        return "CUDA_VISIBLE_DEVICES"

    @contextmanager
    def nvtx_range(self, msg):
        yield

    def profiler_start(self):
        pass

    profiler_stop = profiler_start

    def ray_resource_name(self):
        return "CPU"

    def ray_noset_envvars(self):
        return []

    def is_ipc_supported(self):
        return False

    def cudart(self):
        return None


def start_verl_on_cpu() -> None:
    """Make this process a one-rank verl worker on the CPU (idempotent)."""
    set_platform(CpuPlatform())
    os.environ["VERL_ENGINE_DEVICE"] = "cuda"  # look up the engine classes registered for CUDA (the FSDP ones)
    if not dist.is_initialized():
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        os.environ.update(RANK="0", LOCAL_RANK="0", WORLD_SIZE="1", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
        dist.init_process_group("gloo", rank=0, world_size=1)
