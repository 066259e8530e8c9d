package dev.pipeline.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import java.util.ArrayList;
import java.util.List;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The architecture, checked on the compiled classes of every module: dependencies point
 * examples -> connectors -> core; nothing outside core uses core's engine or internals; and no
 * public API signature names an engine or internal type.
 */
class ArchitectureTest {

    /** The main classes of every module: from target/classes, or from the modules' jars in a full build. */
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.pipeline");

    static {
        if (CLASSES.stream().noneMatch(c -> c.getPackageName().equals("dev.pipeline.core"))
                || CLASSES.stream().noneMatch(c -> c.getPackageName().startsWith("dev.pipeline.connectors"))) {
            throw new IllegalStateException("ArchitectureTest found no core or connector classes to check");
        }
    }

    @Test
    void coreDependsOnNeitherConnectorsNorExamples() {
        noClasses().that().resideInAPackage("dev.pipeline.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pipeline.connectors..", "dev.pipeline.examples..")
                .check(CLASSES);
    }

    @Test
    void connectorsDoNotDependOnExamples() {
        noClasses().that().resideInAPackage("dev.pipeline.connectors..")
                .should().dependOnClassesThat().resideInAPackage("dev.pipeline.examples..")
                .check(CLASSES);
    }

    @Test
    void onlyCoreUsesCoresEngineAndInternals() {
        noClasses().that().resideOutsideOfPackage("dev.pipeline.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pipeline.core.internal..",
                        "dev.pipeline.core.engine..", "dev.pipeline.core.aio.internal..")
                .because("connectors and examples use only core's public API")
                .check(CLASSES);
    }

    @Test
    void productionCodeUsesNeitherTheTestKitNorTheFakeApi() {
        noClasses().that().resideInAnyPackage("dev.pipeline.core..", "dev.pipeline.connectors..")
                .and().resideOutsideOfPackage("dev.pipeline.connectors.http.demo..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pipeline.test..", "dev.pipeline.connectors.http.demo..")
                .because("pipeline-test and pipeline-http-fake are test-scope artifacts for users")
                .check(CLASSES);
    }

    @Test
    void theConnectorsUseOnlyTheirOwnInternals() {
        noClasses().that().resideInAPackage("dev.pipeline.connectors.file..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pipeline.connectors.http.internal..",
                        "dev.pipeline.connectors.r2dbc.internal..", "dev.pipeline.connectors.jdbc.internal..")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.pipeline.connectors.r2dbc..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pipeline.connectors.jdbc..")
                .because("the R2DBC and JDBC sinks share their policy through pipeline-connectors-common, not each other")
                .check(CLASSES);
        noClasses().that().resideInAPackage("dev.pipeline.connectors.jdbc..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.pipeline.connectors.r2dbc..", "io.r2dbc..")
                .because("a JDBC user gets no R2DBC")
                .check(CLASSES);
    }

    /** A public type of an API package. */
    private static final DescribedPredicate<JavaClass> API = new DescribedPredicate<>("a public type of an API package") {
        @Override
        public boolean test(JavaClass c) {
            String p = c.getPackageName();
            return c.getModifiers().contains(JavaModifier.PUBLIC) && !p.contains(".internal") && !p.contains(".engine");
        }
    };

    private static boolean hidden(JavaClass c) {
        String p = c.getPackageName();
        return p.startsWith("dev.pipeline.") && (p.contains(".internal") || p.contains(".engine"));
    }

    private static ArchCondition<JavaCodeUnit> nameNoEngineOrInternalType() {
        return new ArchCondition<>("name no engine or internal type in its signature") {
            @Override
            public void check(JavaCodeUnit unit, ConditionEvents events) {
                List<JavaType> types = new ArrayList<>(unit.getParameterTypes());
                types.add(unit.getReturnType());
                for (JavaType t : types) {
                    for (JavaClass c : t.getAllInvolvedRawTypes()) {
                        if (hidden(c)) {
                            events.add(SimpleConditionEvent.violated(unit, unit.getFullName() + " names " + c.getName()));
                        }
                    }
                }
            }
        };
    }

    @Test
    void noPublicApiSignatureNamesAnEngineOrInternalType() {
        codeUnits().that().areDeclaredInClassesThat(API)
                .and().arePublic()
                .should(nameNoEngineOrInternalType())
                .check(CLASSES);
        codeUnits().that().areDeclaredInClassesThat(API)
                .and().areProtected()
                .should(nameNoEngineOrInternalType())
                .check(CLASSES);
        fields().that().areDeclaredInClassesThat(API).and().arePublic()
                .should(new ArchCondition<JavaField>("not be of an engine or internal type") {
                    @Override
                    public void check(JavaField f, ConditionEvents events) {
                        for (JavaClass c : f.getType().getAllInvolvedRawTypes()) {
                            if (hidden(c)) {
                                events.add(SimpleConditionEvent.violated(f, f.getFullName() + " is of " + c.getName()));
                            }
                        }
                    }
                })
                .check(CLASSES);
    }

    @Test
    void apiTypesDoNotExtendEngineOrInternalTypes() {
        classes().that(API).should(new ArchCondition<JavaClass>("extend or implement no engine or internal type") {
            @Override
            public void check(JavaClass c, ConditionEvents events) {
                for (JavaClass s : c.getAllRawSuperclasses()) {
                    if (hidden(s)) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " extends " + s.getName()));
                    }
                }
                for (JavaClass i : c.getAllRawInterfaces()) {
                    if (hidden(i)) {
                        events.add(SimpleConditionEvent.violated(c, c.getName() + " implements " + i.getName()));
                    }
                }
            }
        }).check(CLASSES);
    }
}
