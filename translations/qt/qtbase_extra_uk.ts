<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own texts that qtbase_uk.qm of the Qt we ship lacks (its file dialog's labels gained an accelerator,
     "&Look in:", and the Ukrainian catalog still has only "Look in:"). Compiled to .qm by `make catalogs`. -->
<TS version="2.1" language="uk_UA">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>&amp;Перегляд в:</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>&amp;Тип файлів:</translation>
    </message>
</context>
</TS>
