// A database app: pipeline-r2dbc and the driver the user picked (H2), with the BOM's versions; no broker client.
def tree = new File(basedir, 'dependency-tree.txt').text
println "database app, mvn dependency:tree:\n" + tree
assert tree.contains('dev.pipeline:pipeline-r2dbc:jar:' + projectVersion + ':compile')
assert tree.contains('io.r2dbc:r2dbc-h2:jar:1.1.0.RELEASE:compile')
assert tree.contains('io.projectreactor.addons:reactor-pool:jar:1.2.6')
['org.postgresql', 'com.rabbitmq', 'org.apache.kafka', 'com.zaxxer', 'io.netty'].each {
    assert !tree.contains(it) : "a database app must not get ${it}:\n${tree}"
}
return true
