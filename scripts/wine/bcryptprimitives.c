/*
 * A stand-in for bcryptprimitives.dll, for running Rust exes under Wine 8.0
 * (Debian 12), which lacks this DLL. Rust's standard library (1.78 and
 * later) gets its random numbers from ProcessPrng in it; without the DLL
 * every Rust exe exits at once with status c0000135 (DLL not found).
 *
 * This file answers ProcessPrng with RtlGenRandom (SystemFunction036 in
 * advapi32), which Wine has. It is for tests under Wine only: it is
 * copied into a private WINEPREFIX by scripts/wine-env.sh and never
 * shipped; a real Windows 10 or later has the real DLL.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
