# lubench.ko, built by Kbuild (kmod/Makefile, kmod/kbuild.cmake) against
# the guest kernel's headers into ONE directory, ${CMAKE_BINARY_DIR}/kmod
# (the source tree stays clean): lubench.ko, its stripped copy
# lubench.stripped.ko (what `lubench cycle` loads: insmod is in the
# blackout) and kbuild.log.  Warnings at W=1 are errors.
#
# In ALL when the headers are found (LUBENCH_KMOD=AUTO) or required (ON).
# Without them configure still works: the reason goes to
# ${CMAKE_BINARY_DIR}/kmod/unavailable, which the guest scripts report
# when they skip.  include() this from the top-level CMakeLists.txt after
# bench/ (it uses the lubench_version target) and kmod/pci_ser/layouts.cmake
# (PCI_SER_GEN_DIR: the generated files Kbuild reads, the compiled-in
# commit among them).
set(LUBENCH_KDIR "" CACHE PATH
    "Kernel build tree for lubench.ko (default: newest /usr/src/linux-headers-6.1.*-amd64)")
set(LUBENCH_KMOD AUTO CACHE STRING
    "Build lubench.ko with ALL: AUTO (when the kernel headers are found), ON or OFF")
set_property(CACHE LUBENCH_KMOD PROPERTY STRINGS AUTO ON OFF)

set(_kmod_out ${CMAKE_BINARY_DIR}/kmod)
file(MAKE_DIRECTORY ${_kmod_out})
file(REMOVE ${_kmod_out}/unavailable)

# The same choice as kmod/Makefile and scripts/host/guest-kernel.sh: the
# last in glob (string) order.
set(_kdir ${LUBENCH_KDIR})
if(NOT _kdir)
  file(GLOB _kdirs LIST_DIRECTORIES true /usr/src/linux-headers-6.1.*-amd64)
  list(SORT _kdirs)
  list(POP_BACK _kdirs _kdir)
endif()

find_program(LUBENCH_MAKE make)
set(_why "")
if(NOT _kdir OR NOT EXISTS ${_kdir}/Makefile)
  set(_why "no kernel headers for the guest kernel (linux-headers-6.1.*-amd64 or -DLUBENCH_KDIR)")
elseif(NOT LUBENCH_MAKE)
  set(_why "no make for Kbuild (scripts/host/setup.sh)")
endif()
if(_why)
  if(LUBENCH_KMOD STREQUAL ON)
    message(FATAL_ERROR "LUBENCH_KMOD=ON: ${_why}")
  endif()
  message(STATUS "lubench.ko: not built: ${_why}")
  file(WRITE ${_kmod_out}/unavailable "${_why}\n")
  add_custom_target(kmod
    COMMAND ${CMAKE_COMMAND} -E echo "kmod: ${_why}"
    COMMAND ${CMAKE_COMMAND} -E false
    VERBATIM)
  return()
endif()

set(_all ALL)
if(LUBENCH_KMOD STREQUAL OFF)
  set(_all "")
  message(STATUS "lubench.ko: not in ALL (LUBENCH_KMOD=OFF): --target kmod")
  file(WRITE ${_kmod_out}/unavailable
       "lubench.ko is not built in this tree (LUBENCH_KMOD=OFF; --target kmod)\n")
else()
  message(STATUS "lubench.ko: built against ${_kdir}")
endif()

# Everything under kmod/ the module is built from (compat/ is the
# user-space shim; the .cmake files are configure's own dependencies).
file(GLOB_RECURSE _kmod_sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*)
list(FILTER _kmod_sources EXCLUDE REGEX "/compat/|\\.cmake$")

# The stripped copy is the output make checks: kbuild.cmake rewrites it
# at every run, while Kbuild leaves lubench.ko alone when it has nothing
# to do (a touched Makefile), which would rerun this step at every build.
add_custom_command(
  OUTPUT ${_kmod_out}/lubench.stripped.ko
  BYPRODUCTS ${_kmod_out}/lubench.ko ${_kmod_out}/kbuild.log
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_CURRENT_LIST_DIR} -DOUT=${_kmod_out}
          -DKDIR=${_kdir} -DGEN=${PCI_SER_GEN_DIR} -DMAKE=${LUBENCH_MAKE}
          -DOBJCOPY=${CMAKE_OBJCOPY} -P ${CMAKE_CURRENT_LIST_DIR}/kbuild.cmake
  DEPENDS ${_kmod_sources} ${CMAKE_CURRENT_LIST_DIR}/kbuild.cmake
          ${PCI_SER_GEN_DIR}/layouts.mk ${PCI_SER_GEN_DIR}/pci_ser_layouts.h
          ${PCI_SER_GEN_DIR}/lubench_version.h
  COMMENT "Building lubench.ko with Kbuild (W=1, warnings are errors)"
  VERBATIM)
add_custom_target(kmod ${_all} DEPENDS ${_kmod_out}/lubench.stripped.ko)
add_dependencies(kmod lubench_version)

# The guest the module runs in: the Debian kernel the headers belong to
# (fetched and unpacked, never installed) and the base initramfs, made
# by the build so the first `./lubench run` or `cycle` boots at once.
# guest-run.sh --prepare does nothing when both are newer than what goes
# into them (about 30 ms), so it runs at every build.
add_custom_target(guest-base ${_all}
  COMMAND env LUBENCH_BUILD=${CMAKE_BINARY_DIR}
          sh ${CMAKE_SOURCE_DIR}/scripts/host/guest-run.sh --prepare
  COMMENT "Guest kernel and base initramfs (scripts/host/guest-run.sh --prepare)"
  VERBATIM)
add_dependencies(guest-base lubench-elf-trim)
