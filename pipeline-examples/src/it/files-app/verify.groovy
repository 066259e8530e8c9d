// A files-only app: pipeline-files and the test kit, and none of Netty, H2, R2DBC or a broker client.
def tree = new File(basedir, 'dependency-tree.txt').text
println "files-only app, mvn dependency:tree:\n" + tree
assert tree.contains('dev.pipeline:pipeline-files:jar:' + projectVersion + ':compile')
assert tree.contains('dev.pipeline:pipeline-core:jar:' + projectVersion + ':compile')
assert tree.contains('dev.pipeline:pipeline-test:jar:' + projectVersion + ':test')
['io.netty', 'io.projectreactor.netty', 'com.h2database', 'io.r2dbc', 'org.postgresql', 'com.rabbitmq', 'org.apache.kafka', 'com.zaxxer'].each {
    assert !tree.contains(it) : "a files-only app must not get ${it}:\n${tree}"
}
// the README's version line is the version being built
assert new File(basedir, 'pom.xml').text.contains('<pipeline.version>' + projectVersion + '</pipeline.version>')
// its test ran and passed
def report = new File(basedir, 'target/surefire-reports/TEST-com.example.orders.OrdersTest.xml')
assert report.isFile() : 'OrdersTest did not run'
assert report.text.contains('tests="1"') && report.text.contains('failures="0"') && report.text.contains('errors="0"')
return true
