#!/usr/bin/env python3
"""A Modbus server for the tests (pymodbus, Debian package python3-pymodbus).

Unit 1 holds 100 of each table at addresses 0-99 (address 100 and up is an
illegal data address, exception 02):
  holding registers and input registers: 1000 + address
  coils and discrete inputs: on where address % 3 == 0

    modbus_server.py [--port PORT] [--framer tcp|rtu] [--seconds N]
    modbus_server.py --check

--port 0 (the default) binds a free port on 127.0.0.1 and prints
'LISTENING <port>' first. --framer rtu serves RTU frames (unit id, PDU,
CRC-16/MODBUS) over TCP instead of Modbus TCP. It stops by itself after
--seconds (default 60). --check exits 0 when pymodbus can be imported, 3
when it cannot.
"""
import argparse
import asyncio
import sys

from _common import listening_line, require_package

TABLE_SIZE = 100


async def serve(port, framer_name, seconds):
    from pymodbus.datastore import (
        ModbusSequentialDataBlock,
        ModbusServerContext,
        ModbusSlaveContext,
    )
    from pymodbus.framer.rtu_framer import ModbusRtuFramer
    from pymodbus.framer.socket_framer import ModbusSocketFramer
    from pymodbus.server.async_io import ModbusTcpServer

    registers = [1000 + address for address in range(TABLE_SIZE)]
    bits = [address % 3 == 0 for address in range(TABLE_SIZE)]
    unit = ModbusSlaveContext(
        di=ModbusSequentialDataBlock(0, list(bits)),
        co=ModbusSequentialDataBlock(0, list(bits)),
        hr=ModbusSequentialDataBlock(0, list(registers)),
        ir=ModbusSequentialDataBlock(0, list(registers)),
        zero_mode=True,
    )
    context = ModbusServerContext(slaves={1: unit}, single=False)
    framer = ModbusRtuFramer if framer_name == "rtu" else ModbusSocketFramer
    server = ModbusTcpServer(
        context, framer=framer, address=("127.0.0.1", port), ignore_missing_slaves=True
    )
    task = asyncio.create_task(server.serve_forever())
    await server.serving
    listening_line(server.server.sockets[0])
    try:
        await asyncio.wait_for(task, timeout=seconds)
    except asyncio.TimeoutError:
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--framer", choices=["tcp", "rtu"], default="tcp")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    require_package("pymodbus", "python3-pymodbus")
    if args.check:
        sys.exit(0)
    asyncio.run(serve(args.port, args.framer, args.seconds))


if __name__ == "__main__":
    main()
