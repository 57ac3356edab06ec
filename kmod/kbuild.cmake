# One Kbuild run for lubench.ko, as a build step of kmod/module.cmake:
# the module at W=1 with warnings as errors, then its stripped copy.
#
# usage: cmake -DSRC=KMOD_DIR -DOUT=BUILD_DIR -DKDIR=HEADERS -DGEN=GEN_DIR
#              -DMAKE=make -DOBJCOPY=objcopy -P kbuild.cmake
#   GEN_DIR  CMake's generated files (layouts.mk, pci_ser_layouts.h,
#            lubench_version.h), on Kbuild's include path
#
# Writes OUT/lubench.ko, OUT/lubench.stripped.ko and OUT/kbuild.log.  On
# any failure or warning both modules are removed, so the next build
# runs Kbuild again instead of taking a module that warned.
foreach(_v SRC OUT KDIR GEN MAKE OBJCOPY)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "kbuild.cmake: -D${_v}=... is required")
  endif()
endforeach()

set(_ko ${OUT}/lubench.ko)
set(_stripped ${OUT}/lubench.stripped.ko)
set(_log ${OUT}/kbuild.log)

function(kbuild_fail why)
  file(REMOVE ${_ko} ${_stripped})
  message(FATAL_ERROR "kmod: ${why} (log: ${_log})")
endfunction()

# Kbuild gets its own job count: the parent make's jobserver does not
# reach through cmake, and make would warn about it.
cmake_host_system_information(RESULT _jobs QUERY NUMBER_OF_LOGICAL_CORES)
set(ENV{MAKEFLAGS} "")
set(ENV{MFLAGS} "")
set(ENV{MAKELEVEL} "")
execute_process(
  COMMAND ${MAKE} -C ${SRC} -j${_jobs} KDIR=${KDIR} OUT=${OUT} GEN=${GEN}
          W=1 KCFLAGS=-Werror modules
  OUTPUT_VARIABLE _out ERROR_VARIABLE _out RESULT_VARIABLE _rc)
file(WRITE ${_log} "${_out}")

# Compiler warnings stop the build through -Werror; modpost, objtool and
# the linker warn on their own, so every warning line counts.
string(REGEX MATCHALL "[^\n]*[Ww][Aa][Rr][Nn][Ii][Nn][Gg]:[^\n]*" _warnings "${_out}")
if(NOT _rc EQUAL 0 OR _warnings)
  string(REGEX MATCHALL "[^\n]*(error|[Ww][Aa][Rr][Nn][Ii][Nn][Gg]):[^\n]*" _lines "${_out}")
  list(SUBLIST _lines 0 20 _lines)
  list(JOIN _lines "\n" _lines)
  message("${_lines}")
  if(NOT _rc EQUAL 0)
    kbuild_fail("Kbuild failed (status ${_rc})")
  endif()
  kbuild_fail("lubench.ko must build without warnings at W=1")
endif()

execute_process(COMMAND ${OBJCOPY} --strip-debug ${_ko} ${_stripped}.tmp
  RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  kbuild_fail("${OBJCOPY} --strip-debug ${_ko} failed")
endif()
file(RENAME ${_stripped}.tmp ${_stripped})
