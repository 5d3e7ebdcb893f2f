# huiqi_module(<name> SOURCES ... DEPS ...): one static library per module, huiqi_<name>.
# Public headers are included as "<name>/<header>.h".
#
# A module sees only the headers of the modules it links (STYLE.md habit 1): there is no include
# path to src/. Each module gets two include roots in the build tree, made of symbolic links:
#   include/public/<name>/<name>/...  one link per public header (every .h of src/<name>/ not under
#                                     a detail/ folder): the module's usage requirement, reached
#                                     only through target_link_libraries;
#   include/private/<name>/<name>     a link to src/<name>/ itself (detail/ included): for the
#                                     module's own sources and the tests beside them.
# So "policy/detail/repository.h" does not resolve outside huiqi_policy, and "policy/policy.h"
# does not resolve in a target that does not link huiqi_policy. A new header is linked when CMake
# runs again, which the CONFIGURE_DEPENDS glob makes the build do by itself.
function(huiqi_include_roots name)
  set(src ${PROJECT_SOURCE_DIR}/src/${name})
  set(pub ${PROJECT_BINARY_DIR}/include/public/${name})
  set(priv ${PROJECT_BINARY_DIR}/include/private/${name})
  file(GLOB_RECURSE headers CONFIGURE_DEPENDS RELATIVE ${src} ${src}/*.h)
  file(REMOVE_RECURSE ${pub})  # drops links to headers that were deleted or moved into detail/
  file(MAKE_DIRECTORY ${pub}/${name} ${priv})
  foreach(header IN LISTS headers)
    if(header MATCHES "(^|/)detail/")
      continue()
    endif()
    get_filename_component(dir ${pub}/${name}/${header} DIRECTORY)
    file(MAKE_DIRECTORY ${dir})
    file(CREATE_LINK ${src}/${header} ${pub}/${name}/${header} SYMBOLIC)
  endforeach()
  if(NOT IS_SYMLINK ${priv}/${name})
    file(CREATE_LINK ${src} ${priv}/${name} SYMBOLIC)
  endif()
  set(HUIQI_PUBLIC_INCLUDE ${pub} PARENT_SCOPE)
  set(HUIQI_PRIVATE_INCLUDE ${priv} PARENT_SCOPE)
endfunction()

function(huiqi_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  huiqi_include_roots(${name})
  add_library(huiqi_${name} STATIC ${M_SOURCES})
  target_include_directories(huiqi_${name} PUBLIC ${HUIQI_PUBLIC_INCLUDE} PRIVATE ${HUIQI_PRIVATE_INCLUDE})
  target_link_libraries(huiqi_${name} PUBLIC ${M_DEPS})
  target_compile_options(huiqi_${name} PRIVATE ${HUIQI_WARNINGS})
endfunction()

# huiqi_program(<target> <name>): an executable made of module <name>'s folder (src/app): its own
# headers through the private root, everything else through what it links.
function(huiqi_program target name)
  huiqi_include_roots(${name})
  target_include_directories(${target} PRIVATE ${HUIQI_PRIVATE_INCLUDE})
  target_compile_options(${target} PRIVATE ${HUIQI_WARNINGS})
endfunction()

# huiqi_test(<name> SOURCES ... DEPS ...): one GoogleTest binary, registered with CTest.
# Tests that need PostgreSQL link huiqi_testing, which starts a private server once per binary.
# The test sits beside its module's code and may include that module's detail/ headers.
function(huiqi_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  get_filename_component(module ${CMAKE_CURRENT_SOURCE_DIR} NAME)
  target_include_directories(${name} PRIVATE ${PROJECT_BINARY_DIR}/include/private/${module})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock)
  target_compile_options(${name} PRIVATE ${HUIQI_WARNINGS})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "HUIQI_SOURCE_DIR=${PROJECT_SOURCE_DIR};HUIQI_DATA_DIR=${PROJECT_SOURCE_DIR}/data"
    TIMEOUT 600)
endfunction()
