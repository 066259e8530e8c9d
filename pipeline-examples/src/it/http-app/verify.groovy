// An HTTP app: pipeline-http brings Reactor Netty and Jackson, and no database or broker client.
def tree = new File(basedir, 'dependency-tree.txt').text
println "HTTP app, mvn dependency:tree:\n" + tree
assert tree.contains('dev.pipeline:pipeline-http:jar:' + projectVersion + ':compile')
assert tree.contains('io.projectreactor.netty:reactor-netty-http')
['com.h2database', 'io.r2dbc', 'org.postgresql', 'com.rabbitmq', 'org.apache.kafka', 'com.zaxxer', 'pipeline-http-fake'].each {
    assert !tree.contains(it) : "an HTTP app must not get ${it}:\n${tree}"
}
return true
