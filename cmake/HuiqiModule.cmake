# huiqi_module(<name> SOURCES ... DEPS ...): one static library per module, huiqi_<name>.
# Public headers are included as "<name>/<header>.h" from src/.
function(huiqi_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(huiqi_${name} STATIC ${M_SOURCES})
  target_include_directories(huiqi_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(huiqi_${name} PUBLIC ${M_DEPS})
endfunction()

# huiqi_test(<name> SOURCES ... DEPS ...): one GoogleTest binary, registered with CTest.
# Tests that need PostgreSQL link huiqi_testing, which starts a private server once per binary.
function(huiqi_test name)
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "HUIQI_SOURCE_DIR=${PROJECT_SOURCE_DIR};HUIQI_DATA_DIR=${PROJECT_SOURCE_DIR}/data"
    TIMEOUT 600)
endfunction()
