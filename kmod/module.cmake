# lubench.ko, built by Kbuild against the guest kernel's headers through
# kmod/Makefile, into ${CMAKE_BINARY_DIR}/kmod (the source tree stays
# clean).  Not part of ALL: `cmake --build BUILD --target kmod`.
# include() this from the top-level CMakeLists.txt.
set(LUBENCH_KDIR "" CACHE PATH
    "Kernel build tree for lubench.ko (default: newest /usr/src/linux-headers-6.1.*-amd64)")

set(_lubench_kmod_args OUT=${CMAKE_BINARY_DIR}/kmod GEN=${PCI_SER_GEN_DIR} W=1)
if(LUBENCH_KDIR)
  list(APPEND _lubench_kmod_args KDIR=${LUBENCH_KDIR})
endif()
add_custom_target(kmod
  COMMAND make -C ${CMAKE_CURRENT_LIST_DIR} ${_lubench_kmod_args}
  BYPRODUCTS ${CMAKE_BINARY_DIR}/kmod/lubench.ko
  COMMENT "Building lubench.ko with Kbuild"
  VERBATIM USES_TERMINAL)
